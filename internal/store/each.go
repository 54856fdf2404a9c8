package store

import "context"

// Each calls fn for every entry of bucket whose key starts with prefix, in
// key order, listing page entries at a time: each page is a consistent
// snapshot, the whole walk is not. An error from fn stops the walk and is
// returned as it is.
func Each(ctx context.Context, s Store, bucket, prefix string, page int, fn func(KV) error) error {
	for after := ""; ; {
		kvs, err := s.List(ctx, bucket, prefix, after, page)
		if err != nil {
			return err
		}
		for _, kv := range kvs {
			if err := fn(kv); err != nil {
				return err
			}
		}
		if len(kvs) < page {
			return nil
		}
		after = kvs[len(kvs)-1].Key
	}
}
