package drupal

// ScanInfo is what the platform scanner adds to an inventory. The status
// command ignores it; it is here so that the scanner's output is an
// inventory the status command reads as is.
type ScanInfo struct {
}

// ProjectScanInfo is what the platform scanner adds to one project.
type ProjectScanInfo struct {
}
