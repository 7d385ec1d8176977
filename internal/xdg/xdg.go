// Package xdg finds where sm keeps its files: under /var/lib/sm for
// root, and in the XDG base directories for everyone else.
package xdg

import (
	"fmt"
	"os"
	"path/filepath"
)

// A Dir is one of the XDG base directories: its variable and its
// default under the home folder.
type Dir struct {
	Env, Home string
}

// The directories sm uses.
var (
	Data  = Dir{"XDG_DATA_HOME", ".local/share"}
	State = Dir{"XDG_STATE_HOME", ".local/state"}
)

// Path returns where file goes: /var/lib/sm/file for root, else
// $ENV/sm/file, else ~/HOME/sm/file.
func (d Dir) Path(file string) (string, error) {
	return d.path(file, os.Geteuid())
}

func (d Dir) path(file string, euid int) (string, error) {
	if euid == 0 {
		return filepath.Join("/var/lib/sm", file), nil
	}
	if dir := os.Getenv(d.Env); filepath.IsAbs(dir) {
		return filepath.Join(dir, "sm", file), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("neither $%s nor $HOME is set", d.Env)
	}
	return filepath.Join(home, d.Home, "sm", file), nil
}
