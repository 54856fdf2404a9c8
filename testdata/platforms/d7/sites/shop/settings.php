<?php
$databases = array();
$drupal_hash_salt = 'd7-fixture-shop';
