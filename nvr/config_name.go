package nvr

import "os"

// hostname is os.Hostname; the default name of a node whose config says name: "".
var hostname = os.Hostname

// defaultName is the node's name when its config sets name to "" (the packaged config does, so that the
// file the package ships is the same on every machine): the machine's hostname, or Default().Name when
// the hostname is unknown or not a valid name.
func defaultName() string {
	h, err := hostname()
	if err != nil || validateName(h) != nil {
		return Default().Name
	}
	return h
}
