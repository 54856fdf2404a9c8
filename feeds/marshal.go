package feeds

import (
	"bytes"
	"unicode/utf8"

	"github.com/drupdate/drupdate/internal/drupal"
)

// MarshalHistory writes h as a release-history document laid out like
// drupal.org's, which ParseHistory reads back to a History equal to h
// whenever h came from ParseHistory. Only present (Set) values are
// written, so a legacy history stays legacy and a modern one modern.
func MarshalHistory(h *drupal.History) []byte {
	var w writer
	w.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	w.WriteString(`<project xmlns:dc="` + dcNS + `">` + "\n")
	w.opt(0, "title", h.Title)
	w.elem(0, "short_name", h.ShortName)
	w.opt(0, "dc:creator", h.Creator)
	w.opt(0, "type", h.Type)
	w.opt(0, "api_version", h.APIVersion)
	w.opt(0, "supported_branches", h.SupportedBranches)
	w.opt(0, "recommended_major", h.RecommendedMajor)
	w.opt(0, "supported_majors", h.SupportedMajors)
	w.opt(0, "default_major", h.DefaultMajor)
	w.opt(0, "project_status", h.ProjectStatus)
	w.opt(0, "link", h.Link)
	w.terms(0, h.Terms)
	w.WriteString("<releases>\n")
	for i := range h.Releases {
		w.release(&h.Releases[i])
	}
	w.WriteString("</releases>\n</project>\n")
	return w.Bytes()
}

type writer struct{ bytes.Buffer }

func (w *writer) release(r *drupal.Release) {
	w.WriteString(" <release>\n")
	w.opt(2, "name", r.Name)
	// The key is the first <version>, the Version field the last.
	if r.Version.Set || r.Key != "" {
		w.elem(2, "version", r.Key)
	}
	if r.Version.Set && r.Version.Value != r.Key {
		w.elem(2, "version", r.Version.Value)
	}
	w.opt(2, "tag", r.Tag)
	w.opt(2, "version_major", r.VersionMajor)
	w.opt(2, "version_minor", r.VersionMinor)
	w.opt(2, "version_patch", r.VersionPatch)
	w.opt(2, "version_extra", r.VersionExtra)
	w.opt(2, "status", r.Status)
	w.opt(2, "release_link", r.ReleaseLink)
	w.opt(2, "download_link", r.DownloadLink)
	w.opt(2, "date", r.Date)
	w.opt(2, "mdhash", r.MDHash)
	w.opt(2, "filesize", r.Filesize)
	if len(r.Files) > 0 {
		w.WriteString("  <files>\n")
		for _, f := range r.Files {
			w.WriteString("   <file>\n")
			w.elem(4, "url", f.URL)
			w.elem(4, "archive_type", f.ArchiveType)
			w.nonEmpty(4, "md5", f.MD5)
			w.nonEmpty(4, "size", f.Size)
			w.nonEmpty(4, "filedate", f.FileDate)
			w.nonEmpty(4, "variant", f.Variant)
			w.WriteString("   </file>\n")
		}
		w.WriteString("  </files>\n")
	}
	w.terms(2, r.Terms)
	if r.Security.Set {
		w.WriteString("  <security")
		if r.SecurityCovered {
			w.WriteString(` covered="1"`)
		}
		w.WriteByte('>')
		w.text(r.Security.Value)
		w.WriteString("</security>\n")
	}
	w.opt(2, "core_compatibility", r.CoreCompatibility)
	w.WriteString(" </release>\n")
}

func (w *writer) terms(indent int, ts []drupal.Term) {
	if len(ts) == 0 {
		return
	}
	w.indent(indent)
	w.WriteString("<terms>\n")
	for _, t := range ts {
		w.indent(indent + 1)
		w.WriteString("<term><name>")
		w.text(t.Name)
		w.WriteString("</name><value>")
		w.text(t.Value)
		w.WriteString("</value></term>\n")
	}
	w.indent(indent)
	w.WriteString("</terms>\n")
}

func (w *writer) opt(indent int, name string, o drupal.Opt) {
	if o.Set {
		w.elem(indent, name, o.Value)
	}
}

func (w *writer) nonEmpty(indent int, name, v string) {
	if v != "" {
		w.elem(indent, name, v)
	}
}

func (w *writer) elem(indent int, name, v string) {
	w.indent(indent)
	w.WriteString("<" + name + ">")
	w.text(v)
	w.WriteString("</" + name + ">\n")
}

func (w *writer) indent(n int) {
	for range n {
		w.WriteByte(' ')
	}
}

// text escapes s for element content. Carriage returns become references
// because parsers turn a literal one into a newline; what XML cannot hold
// at all becomes U+FFFD.
func (w *writer) text(s string) {
	for _, r := range s {
		switch {
		case r == '&':
			w.WriteString("&amp;")
		case r == '<':
			w.WriteString("&lt;")
		case r == '>':
			w.WriteString("&gt;")
		case r == '\r':
			w.WriteString("&#xD;")
		case r == '\t' || r == '\n' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= utf8.MaxRune:
			w.WriteRune(r)
		default:
			w.WriteRune(utf8.RuneError)
		}
	}
}
