package relay

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // fixed by the TURN REST API convention; sound as an HMAC
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/pion/stun/v4"
	"github.com/pion/turn/v5"
)

// Credentials returns an ICE server entry valid for ttl, for one participant
// (label identifies who, e.g. a call participant ID; it must not contain ':').
//
// The username carries its own expiry, so the server keeps no state per
// credential: anyone holding the secret can mint them and any relay sharing
// the secret accepts them.
func (s *Server) Credentials(label string, ttl time.Duration) ICEServer {
	expiry := s.now().Add(ttl)
	// Round up so a credential never expires before now+ttl.
	secs := expiry.Unix()
	if expiry.After(time.Unix(secs, 0)) {
		secs++
	}
	username := strconv.FormatInt(secs, 10) + ":" + label
	return ICEServer{
		URLs:       s.URLs(),
		Username:   username,
		Credential: s.password(username),
	}
}

// password is the REST API password for username: base64(HMAC-SHA1(secret, username)).
func (s *Server) password(username string) string {
	mac := hmac.New(sha1.New, s.secret)
	mac.Write([]byte(username))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// authenticate is the pion AuthHandler. It returns the long-term key for
// the username (pion then checks the request's MESSAGE-INTEGRITY with it,
// which is where a wrong password fails) or refuses a username that is
// malformed or, for a new allocation, expired.
//
// Expiry is enforced on Allocate only, as coturn does: a browser refreshes
// its allocation, permissions and channels with the credential it started
// with, so checking expiry on those would cut a call that outlives its
// credential. The password is still checked on every request.
func (s *Server) authenticate(ra *turn.RequestAttributes) (string, []byte, bool) {
	expiry, ok := parseUsername(ra.Username)
	if !ok {
		s.log.Debug("turn auth: malformed username", "username", ra.Username, "from", ra.SrcAddr.String())
		return "", nil, false
	}
	if ra.Method == stun.MethodAllocate && !s.now().Before(expiry) {
		s.log.Debug("turn auth: expired credential", "username", ra.Username, "from", ra.SrcAddr.String())
		return "", nil, false
	}
	key := turn.GenerateAuthKey(ra.Username, s.realm, s.password(ra.Username))
	return ra.Username, key, true
}

// parseUsername reads "<unix-expiry>:<label>" and returns the expiry.
// The label must be non-empty; it is split off at the first ':' as coturn does.
func parseUsername(username string) (time.Time, bool) {
	ts, label, found := strings.Cut(username, ":")
	if !found || label == "" {
		return time.Time{}, false
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(secs, 0), true
}
