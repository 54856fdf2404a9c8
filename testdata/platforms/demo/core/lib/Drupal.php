<?php

namespace Drupal;

/**
 * Static Service Container wrapper (trimmed for drupdate's test fixtures).
 */
class Drupal {

  /**
   * The current system version.
   */
  const VERSION = '10.1.5';

  /**
   * Core API compatibility.
   */
  const CORE_COMPATIBILITY = '8.x';

}
