package notifytest

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// process is a receiver running as a child process that prints the port it listens on as its first line.
type process struct{ cmd *exec.Cmd }

// start runs cmd, returns the port it printed and kills it when the test ends (or at stop). what names
// it in failures.
func (p *process) start(t testing.TB, what string, cmd *exec.Cmd) (port string) {
	t.Helper()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", what, err)
	}
	p.cmd = cmd
	t.Cleanup(p.stop)
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("%s printed no port: %v", what, err)
	}
	return strings.TrimSpace(line)
}

// stop kills the process by its PID, if it runs.
func (p *process) stop() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
	p.cmd = nil
}
