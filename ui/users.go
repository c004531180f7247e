package ui

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// UserRole is what a user may do in the UI: admins change settings and approve requests, viewers watch.
type UserRole string

// User roles.
const (
	UserAdmin  UserRole = "admin"
	UserViewer UserRole = "viewer"
)

// User is one account of the web UI as stored in <data_dir>/users.json.
type User struct {
	Name    string    `json:"name"`
	Role    UserRole  `json:"role"`
	Hash    string    `json:"hash"` // argon2id in PHC string format
	Created time.Time `json:"created"`
}

// Errors of the user store.
var (
	ErrUserExists  = errors.New("user already exists")
	ErrInvalidUser = errors.New("invalid user name")
)

const maxUserName = 64

// CreateAdmin adds an admin user called name to <dataDir>/users.json (creating the file, mode 0600) and
// returns its random password, which is stored only as an argon2id hash. It fails with ErrUserExists if
// the name is taken. The store is owned by one process: calls must not run concurrently.
func CreateAdmin(dataDir, name string) (password string, err error) {
	if err := validateUserName(name); err != nil {
		return "", fmt.Errorf("create admin: %w", err)
	}
	doc, err := loadUsers(dataDir)
	if err != nil {
		return "", fmt.Errorf("create admin: %w", err)
	}
	for _, u := range doc.Users {
		if u.Name == name {
			return "", fmt.Errorf("create admin %q: %w", name, ErrUserExists)
		}
	}
	password = rand.Text()
	hash, err := hashPassword(password)
	if err != nil {
		return "", fmt.Errorf("create admin: %w", err)
	}
	doc.Users = append(doc.Users, User{Name: name, Role: UserAdmin, Hash: hash, Created: time.Now().UTC()})
	if err := doc.store(dataDir); err != nil {
		return "", fmt.Errorf("create admin: %w", err)
	}
	return password, nil
}

// Verify reports whether password is the password of user name. An unknown user is (false, nil), and
// costs the same hash computation as a known one, so timing does not reveal which names exist. The hash
// comparison is constant-time.
func Verify(dataDir, name, password string) (bool, error) {
	_, ok, err := verifyUser(dataDir, name, password)
	return ok, err
}

// verifyUser is Verify returning the matching user.
func verifyUser(dataDir, name, password string) (User, bool, error) {
	doc, err := loadUsers(dataDir)
	if err != nil {
		return User{}, false, fmt.Errorf("verify user: %w", err)
	}
	for _, u := range doc.Users {
		if u.Name == name {
			ok, err := checkPassword(u.Hash, password)
			if err != nil {
				return User{}, false, fmt.Errorf("verify user %q: %w", name, err)
			}
			return u, ok, nil
		}
	}
	checkPassword(dummyHash, password) // equalise timing; the result is irrelevant
	return User{}, false, nil
}

// validateUserName accepts 1-64 printable characters without spaces.
func validateUserName(name string) error {
	if name == "" || len([]rune(name)) > maxUserName ||
		strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }) >= 0 {
		return fmt.Errorf("%w %q (want 1-%d printable characters without spaces)", ErrInvalidUser, name, maxUserName)
	}
	return nil
}
