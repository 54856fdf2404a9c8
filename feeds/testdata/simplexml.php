<?php
// The oracle for TestParseHistoryAgreesWithSimpleXML (run only when
// DRUPDATE_PHP names a PHP binary with SimpleXML).
//
// Reads documents from stdin, each as a line holding its length in bytes
// followed by the bytes, and writes one JSON line per document: the
// drupal.History that feeds.ParseHistory should return, computed with
// SimpleXML the way Drupal's update module reads a release history, or
// {"error": "xml"} when SimpleXML refuses the document, or
// {"error": "no_short_name", "root": <root name>, "text": <root text>}.
//
// Fields Drupal reads are what its parser stores; the rest (creator,
// project terms, files, security_covered) follow the rules in feeds/doc.go.

libxml_use_internal_errors(true);

const DC = 'http://purl.org/dc/elements/1.1/';

// opt is a drupal.Opt from a flattened element list.
function opt(array $fields, string $name): array {
  if (!array_key_exists($name, $fields)) {
    return ['v' => '', 'set' => false];
  }
  return ['v' => $fields[$name], 'set' => true];
}

// flatten maps each un-prefixed child's name to its text, later ones
// winning.
function flatten(SimpleXMLElement $el): array {
  $out = [];
  foreach ($el->children() as $name => $child) {
    $out[$name] = (string) $child;
  }
  return $out;
}

// terms lists the children of the first <terms> of $el grouped by name,
// as a name => values array holds them.
function terms(SimpleXMLElement $el): ?array {
  $byName = [];
  if ($el->terms) {
    foreach ($el->terms->children() as $term) {
      $byName[(string) $term->name][] = (string) $term->value;
    }
  }
  $out = [];
  foreach ($byName as $name => $values) {
    foreach ($values as $value) {
      $out[] = ['name' => (string) $name, 'value' => $value];
    }
  }
  return $out ?: null;
}

function release(SimpleXMLElement $rel): array {
  $f = flatten($rel);
  $covered = false;
  foreach ($rel->children() as $name => $child) {
    if ($name === 'security') {
      $covered = (string) $child['covered'] === '1';
    }
  }
  $files = [];
  if ($rel->files) {
    foreach ($rel->files->children() as $name => $file) {
      if ($name !== 'file') {
        continue;
      }
      $ff = flatten($file);
      $files[] = [
        'url' => $ff['url'] ?? '', 'archive_type' => $ff['archive_type'] ?? '',
        'md5' => $ff['md5'] ?? '', 'size' => $ff['size'] ?? '',
        'filedate' => $ff['filedate'] ?? '', 'variant' => $ff['variant'] ?? '',
      ];
    }
  }
  $r = ['key' => (string) $rel->version];
  foreach (['version', 'name', 'tag', 'status', 'release_link', 'download_link', 'date', 'mdhash',
            'filesize', 'core_compatibility', 'security', 'version_major', 'version_minor',
            'version_patch', 'version_extra'] as $k) {
    $r[$k] = opt($f, $k);
  }
  $r['security_covered'] = $covered;
  $r['files'] = $files ?: null;
  $r['terms'] = terms($rel);
  return $r;
}

function history(string $doc): array {
  try {
    $xml = new SimpleXMLElement($doc);
  } catch (Exception $e) {
    return ['error' => 'xml'];
  } finally {
    libxml_clear_errors();
  }
  if (!isset($xml->short_name)) {
    return ['error' => 'no_short_name', 'root' => dom_import_simplexml($xml)->nodeName, 'text' => (string) $xml];
  }
  $f = flatten($xml);
  $h = ['short_name' => $f['short_name']];
  foreach (['title', 'link', 'type', 'api_version', 'project_status', 'supported_branches',
            'recommended_major', 'supported_majors', 'default_major'] as $k) {
    $h[$k] = opt($f, $k);
  }
  $creator = [];
  foreach ($xml->children(DC) as $name => $child) {
    if ($name === 'creator') {
      $creator['creator'] = (string) $child;
    }
  }
  $h['creator'] = opt($creator, 'creator');
  $h['terms'] = terms($xml);
  $releases = [];
  $position = [];
  if (isset($xml->releases)) {
    foreach ($xml->releases->children() as $rel) {
      $r = release($rel);
      // Keyed like Drupal's $data['releases'][$version].
      $key = $r['key'];
      if (array_key_exists($key, $position)) {
        $releases[$position[$key]] = $r;
      } else {
        $position[$key] = count($releases);
        $releases[] = $r;
      }
    }
  }
  $h['releases'] = $releases ?: null;
  return $h;
}

while (($line = fgets(STDIN)) !== false) {
  $n = (int) $line;
  $doc = $n > 0 ? stream_get_contents(STDIN, $n) : '';
  $out = json_encode(history($doc), JSON_INVALID_UTF8_SUBSTITUTE | JSON_UNESCAPED_SLASHES);
  echo $out, "\n";
  flush();
}
