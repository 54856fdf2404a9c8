// Package platforms reads Drupal codebases (Aegir's "platforms") into
// inventories: what core they run, which drupal.org projects at which
// versions, which sites use what, and which dependencies are unmet. It
// also reads fleet configurations naming many platforms.
//
// Everything here reads files; nothing in a scanned tree is executed.
// settings.php and sites.php are read as text (see phptext.go), info files
// with Drupal's own rules.
//
// # Finding things as Drupal finds them
//
// [Scan] locates the docroot (the root itself, web/ or docroot/, or
// composer.json's scaffold web root) by core's version file:
// core/lib/Drupal.php (Drupal 8+) or includes/bootstrap.inc (Drupal 7).
// Extensions are discovered in Drupal's search directories with its
// rules: for Drupal 8+ those of ExtensionDiscovery (only modules/, themes/
// and profiles/ at the top of each search directory, never src/, vendor/,
// tests/ and the like); for Drupal 7 those of drupal_system_listing
// (NAME.module with NAME.info beside it, NAME.info under themes/,
// NAME.profile under profiles/). Duplicate machine names are resolved by
// Drupal's precedence (core, the profile, sites/all, the docroot, the
// site's directory) and reported.
//
// Info files are parsed as Drupal parses them: .info.yml with a YAML
// library, keeping PHP's view of the values, and Drupal 7's .info with a
// faithful port of drupal_parse_info_format, whose multi-line regular
// expression has surprising corners that real files hit.
//
// # Versions and projects
//
// A project's version is what Drupal's update module would see
// (ProjectInfo::processInfoList): the packaging metadata of the first
// extension processed, the largest datestamp among that project's
// extensions of the same type. Where there is none, Composer's metadata
// (extra.drupal.version, else the release tag, else the Composer version,
// see [DrupalVersion]) or a git checkout's tag or branch is used.
// Extensions without metadata are filed with the extension whose
// directory holds them, else as custom code, never dropped; test
// extensions are left out as Drupal leaves them out.
//
// # Sites and problems
//
// Sites are sites/*/settings.php (with sites/sites.php's aliases). On
// Drupal 8+ a site's enabled extensions come from core.extension.yml in
// its configuration sync directory; otherwise a site counts as using
// everything installed. A project is in the inventory's Projects when
// some site uses it, and in Unused otherwise. Unmet dependencies are
// checked per site with Drupal's grammar (resolver/constraint) and core
// compatibility with Composer's (resolver/composer).
//
// # Fleets
//
// [LoadFleet] reads a YAML list of platforms; [ScanFleet] scans them and
// [Feeds] lists the release-history feeds the whole fleet needs, each
// once.
package platforms
