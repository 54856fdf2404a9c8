<?php

// Shipped with core; not a site until copied to settings.php.
$settings['config_sync_directory'] = '/directory/outside/webroot';
