<?php
$settings['hash_salt'] = 'composer-fixture';
$settings['config_sync_directory'] = '../config/sync';
