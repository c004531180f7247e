package nvr

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
)

const initUsage = "--dir DIR [--role household|agency] [--name NAME] [--data-dir DIR]"

const usageVersion = "[--json]"

func runInit(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	dir := fs.String("dir", "", "directory for porchlight.yml; the data dir is created inside it (required)")
	role := fs.String("role", string(RoleHousehold), "household or agency")
	name := fs.String("name", Default().Name, "the node's name, shown in the UI and to neighbors")
	dataDir := fs.String("data-dir", "", "data dir written to the config's data_dir (default: data, inside --dir)")
	if err := parseFlags(fs, initUsage, args, stdout); err != nil {
		return err
	}
	if *dir == "" {
		return usageErrorf("init: --dir is required")
	}
	if err := Role(*role).Validate(); err != nil {
		return usageErrorf("init: --role: %w", err)
	}
	if err := validateName(*name); err != nil {
		return usageErrorf("init: --name: %w", err)
	}
	if *dataDir != "" {
		abs, err := filepath.Abs(*dataDir)
		if err != nil {
			return usageErrorf("init: --data-dir: %w", err)
		}
		*dataDir = abs
	}
	res, err := InitWith(*dir, InitOptions{Role: Role(*role), Name: *name, DataDir: *dataDir})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "initialised %s node %q\n", *role, *name)
	fmt.Fprintf(stdout, "config: %s\n", res.ConfigPath)
	fmt.Fprintf(stdout, "data dir: %s\n", res.DataDir)
	fmt.Fprintf(stdout, "node id: %s\n", res.NodeID)
	fmt.Fprintf(stdout, "api token: %s\n", res.TokenPath)
	fmt.Fprintf(stdout, "admin user: %s\n", res.AdminUser)
	fmt.Fprintf(stdout, "admin password: %s\n", res.AdminPassword)
	fmt.Fprintf(stdout, "The password is shown only this once. Start the node with:\n  porchlight serve --config %s\n",
		res.ConfigPath)
	return nil
}

func runVersion(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print {version, commit, go, formats} as JSON")
	if err := parseFlags(fs, usageVersion, args, stdout); err != nil {
		return err
	}
	if *asJSON {
		b, err := json.MarshalIndent(buildInfo(), "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	fmt.Fprintln(stdout, versionLine())
	return nil
}
