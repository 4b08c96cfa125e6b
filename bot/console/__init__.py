"""Read models behind the web console: class board, graduate list and dossier, postings, logs."""
