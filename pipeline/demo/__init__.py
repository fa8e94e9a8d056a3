"""The bundled demo: short articles served as a local RSS feed, so ``make run`` works offline."""
