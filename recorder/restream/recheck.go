package restream

import (
	"context"
	"errors"

	"github.com/bluenviron/gortsplib/v4"
)

// recheck checks the credential of every session reading once more, in the background, and ends the
// sessions whose credential no longer passes (the user was removed, the password changed, the camera
// taken away). An answer that is not a refusal (throttled, the store unreadable) keeps the session.
func (s *Server) recheck() {
	s.mu.Lock()
	check := make(map[*gortsplib.ServerSession]credential, len(s.sessions))
	for ss, r := range s.sessions {
		check[ss] = r.cred
	}
	s.mu.Unlock()
	if len(check) == 0 {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for ss, c := range check {
			select {
			case <-s.quit: // closing: every session ends anyway
				return
			default:
			}
			ctx, cancel := context.WithTimeout(context.Background(), authTimeout)
			err := s.cfg.Auth.Authorize(ctx, c.ip, c.user, c.pass, c.camera)
			cancel()
			if errors.Is(err, ErrBadLogin) || errors.Is(err, ErrForbidden) {
				s.log.Info("restream credential ended: closing its session", "user", c.user, "camera", c.camera)
				ss.Close()
			}
		}
	}()
}
