<?php
// Shipped with core.
