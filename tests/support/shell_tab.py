"""shell_tab.py SHELL SETUP LINE...: presses Tab in a real interactive shell. Starts SHELL (a command
line, e.g. "bash --norc -i") on a new pseudo-terminal, runs SETUP there, makes `pkitool` a shell
function that prints its arguments, then types each LINE with a Tab wherever "<TAB>" stands and
Enter after it. Prints, one per line, the arguments each completed line ran with: what the shell's
line editor made of the completion. The completion script calls the real pkitool (`command`
skips functions).
"""
import os, pty, re, select, sys, time

shell, setup, lines = sys.argv[1].split(), sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    env = dict(os.environ, TERM="xterm", INPUTRC="/dev/null", HOME=os.getcwd(), PS1="$ ")
    os.execvpe(shell[0], shell, env)
os.write(fd, (setup + "; pkitool() { printf 'DONE[%s]\\n' \"$*\"; }\n").encode())
for line in lines:
    os.write(fd, line.replace("<TAB>", "\t").encode() + b"\n")
    time.sleep(0.3)  # each completion runs pkitool; typing ahead is fine, this only paces output
os.write(fd, b"exit\n")
seen, deadline = b"", time.time() + 60
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 1)
    if not ready:
        continue
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    seen += data
os.waitpid(pid, 0)
for done in re.findall(rb"DONE\[([^%\]]*)\]", seen):  # not the function's own definition echoed
    print(done.decode())
