module github.com/drupdate/drupdate

go 1.26.8
