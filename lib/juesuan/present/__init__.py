"""What people see: notebook frames, charts, HTML pages and the workpaper."""
