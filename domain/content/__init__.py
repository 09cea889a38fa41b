"""Report content rules: indicators, assessment, ekonomi, internkontroll. Pure, no I/O."""
