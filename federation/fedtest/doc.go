// Package fedtest holds the test helpers that the hood core's tests (package federation) and the agency
// side's tests (package federation/agency) share: the test nodes' identity and logger, Elm Street (the
// place the agency tests are set), fake cameras for the request matcher and a fake clip source.
//
// It imports neither federation nor federation/agency, so that both packages' internal tests can import
// it without a cycle; helpers that need their types are generic (Cameras) or take what they need as
// functions (WaitMembers, Join). The request draft the agency tests post (draft) is still written in both
// packages: its type is agency.RequestDraft, which fedtest cannot name, and a copy of the struct here or a
// constructor passed in would repeat as much as it saves. Shipped code must not import it (nvr's
// dependency test enforces that for every package whose name ends in "test").
package fedtest
