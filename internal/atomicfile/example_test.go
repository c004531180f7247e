package atomicfile_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

func Example() {
	dir, _ := os.MkdirTemp("", "atomicfile-example-")
	defer os.RemoveAll(dir)
	token := filepath.Join(dir, "api.token")

	// Create a secret once: a second attempt must not replace it.
	if err := atomicfile.WriteNew(token, []byte("s3cret\n"), 0o600); err != nil {
		fmt.Println(err)
	}
	err := atomicfile.WriteNew(token, []byte("other\n"), 0o600)
	fmt.Println("second WriteNew refused:", errors.Is(err, fs.ErrExist))

	// Replace it on purpose: readers see the old token or the new one, never a mix.
	if err := atomicfile.WriteFile(token, []byte("rotated\n"), 0o600); err != nil {
		fmt.Println(err)
	}
	b, _ := os.ReadFile(token)
	fmt.Printf("%s", b)
	// Output:
	// second WriteNew refused: true
	// rotated
}
