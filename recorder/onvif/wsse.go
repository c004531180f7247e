package onvif

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
)

// securityHeader is the WS-Security UsernameToken with a password digest (ONVIF Core §5.12).
const securityHeader = `<wsse:Security s:mustUnderstand="1" ` +
	`xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" ` +
	`xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">` +
	`<wsse:UsernameToken><wsse:Username>%s</wsse:Username>` +
	`<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">%s</wsse:Password>` +
	`<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">%s</wsse:Nonce>` +
	`<wsu:Created>%s</wsu:Created></wsse:UsernameToken></wsse:Security>`

// security returns a fresh UsernameToken header: a new nonce, Created on the camera's clock.
func (c *Client) security() string {
	nonce := make([]byte, 16)
	_, _ = rand.Read(nonce)
	created := c.now().Add(c.skew).UTC().Format("2006-01-02T15:04:05.000Z")
	return fmt.Sprintf(securityHeader, escape(c.user), PasswordDigest(nonce, created, c.pass),
		base64.StdEncoding.EncodeToString(nonce), created)
}

// PasswordDigest is WS-Security's Base64(SHA1(nonce + created + password)).
func PasswordDigest(nonce []byte, created, pass string) string {
	h := sha1.New()
	h.Write(nonce)
	h.Write([]byte(created))
	h.Write([]byte(pass))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}
