<?php
$databases = array();
$update_free_access = FALSE;
$drupal_hash_salt = 'd7-fixture';
$conf['install_profile'] = 'standard';
