package onvif

import (
	"sort"
	"strings"
)

// Notification is one event message of a PullMessages answer.
type Notification struct {
	Topic     string            // the topic without its prefix: "RuleEngine/CellMotionDetector/Motion"
	Operation string            // PropertyOperation: Initialized, Changed, Deleted or ""
	Source    map[string]string // the Source SimpleItems (which video source, rule…)
	Data      map[string]string // the Data SimpleItems
}

// pullResponse is PullMessages's.
type pullResponse struct {
	Termination string `xml:"Body>PullMessagesResponse>TerminationTime"`
	Messages    []struct {
		Topic   string `xml:"Topic"`
		Message struct {
			Operation string       `xml:"PropertyOperation,attr"`
			Source    []simpleItem `xml:"Source>SimpleItem"`
			Data      []simpleItem `xml:"Data>SimpleItem"`
		} `xml:"Message>Message"`
	} `xml:"Body>PullMessagesResponse>NotificationMessage"`
}

type simpleItem struct {
	Name  string `xml:"Name,attr"`
	Value string `xml:"Value,attr"`
}

func (r *pullResponse) notifications() []Notification {
	out := make([]Notification, 0, min(len(r.Messages), maxNotifications))
	for _, m := range r.Messages {
		if len(out) == maxNotifications {
			break
		}
		topic := strings.TrimSpace(m.Topic)
		if i := strings.IndexByte(topic, ':'); i >= 0 && !strings.Contains(topic[:i], "/") {
			topic = topic[i+1:]
		}
		out = append(out, Notification{Topic: oneLine(topic), Operation: strings.TrimSpace(m.Message.Operation),
			Source: items(m.Message.Source), Data: items(m.Message.Data)})
	}
	return out
}

// maxItems bounds the SimpleItems kept of one message part.
const maxItems = 16

func items(in []simpleItem) map[string]string {
	m := map[string]string{}
	for _, it := range in {
		if len(m) == maxItems {
			break
		}
		m[oneLine(it.Name)] = oneLine(it.Value)
	}
	return m
}

// motionTopics are the topics that report motion, with the Data item that holds whether it is on.
var motionTopics = map[string]string{
	"RuleEngine/CellMotionDetector/Motion":   "IsMotion",
	"VideoSource/MotionAlarm":                "State",
	"RuleEngine/MotionRegionDetector/Motion": "State",
}

// Motion tells whether n reports motion (ok) and whether motion is on.
func (n Notification) Motion() (on, ok bool) {
	item, known := motionTopics[n.Topic]
	if !known || n.Operation == "Deleted" {
		return false, false
	}
	v, has := n.Data[item]
	if !has {
		return false, false
	}
	switch strings.ToLower(v) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// SourceKey names the source of n (its Source items, sorted), so that motion on one video source or rule
// is told from another's.
func (n Notification) SourceKey() string {
	keys := make([]string, 0, len(n.Source))
	for k, v := range n.Source {
		keys = append(keys, k+"="+v)
	}
	sort.Strings(keys)
	return n.Topic + "|" + strings.Join(keys, ",")
}
