<?php
$sites['shop.example.com'] = 'shop';
