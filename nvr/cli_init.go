package nvr

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

const initUsage = "--dir DIR [--role household|agency] [--name NAME] [--data-dir DIR] | --config FILE"

const usageVersion = "[--json]"

func runInit(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	dir := fs.String("dir", "", "directory for porchlight.yml; the data dir is created inside it (required without --config)")
	role := fs.String("role", string(RoleHousehold), "household or agency")
	name := fs.String("name", Default().Name, "the node's name, shown in the UI and to neighbors")
	dataDir := fs.String("data-dir", "", "data dir written to the config's data_dir (default: data, inside --dir)")
	config := fs.String("config", "", "an existing config: set up its data dir only, leaving the file as it is (the package's /etc/porchlight/porchlight.yml)")
	if err := parseFlags(fs, initUsage, args, stdout); err != nil {
		return err
	}
	if *config != "" {
		var other []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name != "config" {
				other = append(other, "--"+f.Name)
			}
		})
		if len(other) > 0 {
			return usageErrorf("init: --config takes its values from the config; drop %s", strings.Join(other, ", "))
		}
		res, err := InitConfig(*config)
		if err != nil {
			return err
		}
		printInit(stdout, res)
		return nil
	}
	if *dir == "" {
		return usageErrorf("init: --dir or --config is required")
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
	printInit(stdout, res)
	return nil
}

// printInit prints what init created, the admin's one-time password included.
func printInit(stdout io.Writer, res *InitResult) {
	fmt.Fprintf(stdout, "initialised %s node %q\n", res.Role, res.Name)
	fmt.Fprintf(stdout, "config: %s\n", res.ConfigPath)
	fmt.Fprintf(stdout, "data dir: %s\n", res.DataDir)
	fmt.Fprintf(stdout, "node id: %s\n", res.NodeID)
	fmt.Fprintf(stdout, "api token: %s\n", res.TokenPath)
	fmt.Fprintf(stdout, "admin user: %s\n", res.AdminUser)
	fmt.Fprintf(stdout, "admin password: %s\n", res.AdminPassword)
	fmt.Fprintf(stdout, "The password is shown only this once. Start the node with:\n  porchlight serve --config %s\n",
		res.ConfigPath)
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
