<?php

namespace Drupal;

class Drupal {

  const VERSION = '10.3.1';

}
