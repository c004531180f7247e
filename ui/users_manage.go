package ui

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Errors of user management.
var (
	ErrNoSuchUser   = errors.New("no such user")
	ErrLastAdmin    = errors.New("the last admin cannot be removed")
	ErrWeakPassword = errors.New("password too short")
	ErrInvalidRole  = errors.New("invalid role")
)

// minPasswordLen is the least number of characters of a password a person chooses.
const minPasswordLen = 10

// listUsers returns the users of <dataDir>/users.json.
func listUsers(dataDir string) ([]User, error) {
	doc, err := loadUsers(dataDir)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return doc.Users, nil
}

// addUser adds a user with role and password. Callers serialise changes to the store.
func addUser(dataDir, name string, role UserRole, password string, now time.Time) (User, error) {
	if err := validateUserName(name); err != nil {
		return User{}, fmt.Errorf("add user: %w", err)
	}
	if role != UserAdmin && role != UserViewer {
		return User{}, fmt.Errorf("add user %q: %w %q (want admin or viewer)", name, ErrInvalidRole, role)
	}
	if err := checkNewPassword(password); err != nil {
		return User{}, fmt.Errorf("add user %q: %w", name, err)
	}
	doc, err := loadUsers(dataDir)
	if err != nil {
		return User{}, fmt.Errorf("add user: %w", err)
	}
	for _, u := range doc.Users {
		if u.Name == name {
			return User{}, fmt.Errorf("add user %q: %w", name, ErrUserExists)
		}
	}
	hash, err := hashPassword(password)
	if err != nil {
		return User{}, fmt.Errorf("add user %q: %w", name, err)
	}
	u := User{Name: name, Role: role, Hash: hash, Created: now.UTC()}
	doc.Users = append(doc.Users, u)
	if err := doc.store(dataDir); err != nil {
		return User{}, fmt.Errorf("add user %q: %w", name, err)
	}
	return u, nil
}

// removeUser deletes user name, refusing to remove the last admin. Callers serialise changes.
func removeUser(dataDir, name string) error {
	doc, err := loadUsers(dataDir)
	if err != nil {
		return fmt.Errorf("remove user: %w", err)
	}
	at, admins := -1, 0
	for i, u := range doc.Users {
		if u.Name == name {
			at = i
		}
		if u.Role == UserAdmin {
			admins++
		}
	}
	if at < 0 {
		return fmt.Errorf("remove user %q: %w", name, ErrNoSuchUser)
	}
	if doc.Users[at].Role == UserAdmin && admins == 1 {
		return fmt.Errorf("remove user %q: %w", name, ErrLastAdmin)
	}
	doc.Users = append(doc.Users[:at], doc.Users[at+1:]...)
	if err := doc.store(dataDir); err != nil {
		return fmt.Errorf("remove user %q: %w", name, err)
	}
	return nil
}

// setPassword replaces the password of user name. Callers serialise changes.
func setPassword(dataDir, name, password string) error {
	if err := checkNewPassword(password); err != nil {
		return fmt.Errorf("set password of %q: %w", name, err)
	}
	doc, err := loadUsers(dataDir)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	for i := range doc.Users {
		if doc.Users[i].Name != name {
			continue
		}
		hash, err := hashPassword(password)
		if err != nil {
			return fmt.Errorf("set password of %q: %w", name, err)
		}
		doc.Users[i].Hash = hash
		if err := doc.store(dataDir); err != nil {
			return fmt.Errorf("set password of %q: %w", name, err)
		}
		return nil
	}
	return fmt.Errorf("set password of %q: %w", name, ErrNoSuchUser)
}

func checkNewPassword(password string) error {
	if utf8.RuneCountInString(password) < minPasswordLen {
		return fmt.Errorf("%w: want at least %d characters", ErrWeakPassword, minPasswordLen)
	}
	return nil
}
