<?php

/**
 * Multi-site directory aliasing, as Aegir writes it.
 */
$sites['www.example.com'] = 'example.com';
$sites['example.com'] = 'example.com';
$sites['blog.example.org'] = 'blog.example.org';
