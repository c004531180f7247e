package mqtt

import "errors"

// ErrBadTopic is returned by parseConfigTopic for a topic that is not one of this node's discovery topics.
var ErrBadTopic = errors.New("not a discovery config topic of this node")
