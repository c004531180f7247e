package nvr

import "errors"

// TEMPORARY: the lead replaces this file with the real serve, demo and export commands.

func runServe(args []string) error  { return errors.New("serve: not wired yet") }
func runDemo(args []string) error   { return errors.New("demo: not wired yet") }
func runExport(args []string) error { return errors.New("export: not wired yet") }
