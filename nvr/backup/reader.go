package backup

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"filippo.io/age"
)

// ageMagic starts every age file.
var ageMagic = []byte("age-encryption.org/v1\n")

// maxManifest bounds the manifest read into memory (a file list of ~1 million recorded segments).
const maxManifest = 256 << 20

// Encrypted says whether the archive that r starts is age-encrypted, without consuming it.
func Encrypted(r *bufio.Reader) bool {
	b, _ := r.Peek(len(ageMagic))
	return bytes.Equal(b, ageMagic)
}

// Extract reads the archive from r, decrypting it with passphrase if it is encrypted, and writes its files
// under dir, which must exist and be empty, at their archive names (config/..., data/...). It returns the
// manifest once every file has arrived whole and matches it. On error, dir may hold part of the files: the
// caller removes it. Nothing is written outside dir.
func Extract(r io.Reader, passphrase string, dir string) (*Manifest, error) {
	return extract(r, passphrase, dir, maxWorkFactor)
}

// maxWorkFactor is the highest scrypt work factor (log2 N) Extract accepts: age writes 18; 20 costs 1 GiB
// of memory, which an archive must not be able to ask for beyond.
const maxWorkFactor = 20

func extract(r io.Reader, passphrase string, dir string, maxWork int) (*Manifest, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var src io.Reader = br
	if Encrypted(br) {
		if passphrase == "" {
			return nil, ErrEncrypted
		}
		id, err := age.NewScryptIdentity(passphrase)
		if err != nil {
			return nil, fmt.Errorf("backup: passphrase: %w", err)
		}
		id.SetMaxWorkFactor(maxWork)
		src, err = age.Decrypt(br, id)
		if err != nil {
			if _, ok := errors.AsType[*age.NoIdentityMatchError](err); ok {
				return nil, ErrPassphrase
			}
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
	}
	gz, err := gzip.NewReader(src)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	got := map[string]File{}
	var m *Manifest
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		if m != nil {
			return nil, fmt.Errorf("%w: %s is not the last entry", ErrCorrupt, ManifestName)
		}
		if hdr.Typeflag != tar.TypeReg {
			return nil, fmt.Errorf("%w: %s: not a regular file", ErrCorrupt, hdr.Name)
		}
		if hdr.Name == ManifestName {
			b, err := io.ReadAll(io.LimitReader(tr, maxManifest+1))
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, ManifestName, err)
			}
			if len(b) > maxManifest {
				return nil, fmt.Errorf("%w: %s: larger than %d bytes", ErrCorrupt, ManifestName, maxManifest)
			}
			if m, err = decodeManifest(b); err != nil {
				return nil, err
			}
			continue
		}
		if err := CheckName(hdr.Name); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		if _, dup := got[hdr.Name]; dup {
			return nil, fmt.Errorf("%w: %s appears twice", ErrCorrupt, hdr.Name)
		}
		f, err := extractFile(tr, dir, hdr.Name)
		if err != nil {
			return nil, err
		}
		got[hdr.Name] = f
	}
	// Read to the end so that gzip checks its CRC and age its last chunk: a truncated archive fails here.
	if _, err := io.Copy(io.Discard, gz); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if m == nil {
		return nil, fmt.Errorf("%w: no %s (truncated?)", ErrCorrupt, ManifestName)
	}
	if err := matchManifest(m, got); err != nil {
		return nil, err
	}
	for _, f := range m.Files {
		if err := os.Chmod(filepath.Join(dir, filepath.FromSlash(f.Name)), os.FileMode(f.Mode&0o777|0o600)); err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
	}
	return m, nil
}

// extractFile writes the current tar entry to dir/name (0600, fsynced) and returns its size and hash.
func extractFile(r io.Reader, dir, name string) (File, error) {
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return File{}, fmt.Errorf("backup: %w", err)
	}
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return File{}, fmt.Errorf("backup: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), r)
	if err != nil {
		out.Close()
		var pe *os.PathError
		if errors.As(err, &pe) {
			return File{}, fmt.Errorf("backup: %w", err) // our disk, not the archive
		}
		return File{}, fmt.Errorf("%w: %s: %v", ErrCorrupt, name, err)
	}
	if err := errors.Join(out.Sync(), out.Close()); err != nil {
		return File{}, fmt.Errorf("backup: %w", err)
	}
	return File{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// matchManifest checks that the files that arrived are exactly those the manifest lists, with its sizes
// and hashes.
func matchManifest(m *Manifest, got map[string]File) error {
	for _, want := range m.Files {
		f, ok := got[want.Name]
		if !ok {
			return fmt.Errorf("%w: %s is listed in %s but missing", ErrCorrupt, want.Name, ManifestName)
		}
		if f.Size != want.Size || f.SHA256 != want.SHA256 {
			return fmt.Errorf("%w: %s does not match its SHA-256 in %s", ErrCorrupt, want.Name, ManifestName)
		}
		delete(got, want.Name)
	}
	for name := range got {
		return fmt.Errorf("%w: %s is not listed in %s", ErrCorrupt, name, ManifestName)
	}
	return nil
}
