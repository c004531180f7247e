// Package onvif is a small ONVIF client on encoding/xml: it finds cameras on the LAN and reads what the
// recorder needs from them.
//
// It lives under recorder because the recorder owns cameras: their streams, their snapshots and their
// events. Nothing here holds state beyond one request or one subscription; the recorder runs the event
// loops (recorder/camera_events.go) and the API asks through nvr.
//
//   - [Probe] sends a WS-Discovery Probe for NetworkVideoTransmitter to 239.255.255.250:3702 (UDP
//     multicast; the group and the interfaces are options, so tests aim it at a network namespace) and
//     collects the ProbeMatches (endpoint, XAddrs, scopes) until its deadline.
//   - [Client] speaks SOAP 1.2 to one device with a WS-Security UsernameToken PasswordDigest
//     (Base64(SHA1(nonce + created + password)), ONVIF Core §5.12). Created follows the camera's clock as
//     GetSystemDateAndTime tells it, since cameras refuse tokens more than a few minutes off theirs. An
//     HTTP Basic or Digest challenge is answered too (internal/httpauth).
//   - [Client.Inspect] asks GetDeviceInformation, GetCapabilities (GetServices when refused) for the media
//     and events services, GetProfiles, and GetStreamUri (RTP-Unicast over RTSP) and GetSnapshotUri per
//     profile, and picks the main and sub streams.
//   - [Client.Subscribe] makes a PullPoint subscription (CreatePullPointSubscription); [Subscription.Pull],
//     Renew and Unsubscribe follow WS-BaseNotification. [Notification.Motion] reads the motion topics
//     (tns1:RuleEngine/CellMotionDetector/Motion IsMotion, tns1:VideoSource/MotionAlarm State, and
//     RuleEngine/MotionRegionDetector/Motion State).
//
// Cameras report their own idea of their address (a LAN address behind a NAT, a stale DHCP lease): the
// service, stream and snapshot URIs they return are reached at the host the device service answered on,
// keeping their paths and ports. So a device never makes the client talk to a host the owner did not
// name.
//
// Every response is read up to [MaxResponse] bytes and every request has a timeout. A SOAP fault becomes
// a [*Fault]; wrong credentials match [ErrUnauthorized]. Errors never carry a password.
package onvif
