"""on_terminal.py COMMAND [ANSWER...]: runs `sh -c COMMAND` on a new pseudo-terminal (its controlling
terminal, and stdin, stdout and stderr unless COMMAND redirects them), and types each ANSWER and
Enter after each prompt that ends in ':', in turn ("^C" types Ctrl-C instead). Prints everything
the terminal showed; exits as the command did. Not named pty.py, which would shadow the module.
"""
import os, pty, select, sys, time

command, answers = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execv('/bin/sh', ['sh', '-c', command])
seen, pending, deadline = b'', b'', time.time() + 60
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if not ready:
        continue
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    seen += data
    pending += data
    if answers and pending.rstrip().endswith(b':'):
        answer = answers.pop(0)
        os.write(fd, b'\x03' if answer == '^C' else answer.encode() + b'\n')
        pending = b''
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode('utf-8', 'replace'))
sys.exit(os.waitstatus_to_exitcode(status))
