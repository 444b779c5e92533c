#!/usr/bin/env bash
# Desktop smoke test: opens the real Brief Studio window under Xvfb, waits for
# the UI to report "ui ready:", takes a screenshot and checks it.
#
#   scripts/desktop-smoke.sh [BINARY]        (default: build/bin/briefstudio)
#
# Env: SMOKE_OUT (default build/smoke), SMOKE_TIMEOUT seconds (default 90).
# Needs: Xvfb, dbus-run-session, setsid, ImageMagick (import, identify).
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${1:-build/bin/briefstudio}
OUT=${SMOKE_OUT:-build/smoke}
TIMEOUT=${SMOKE_TIMEOUT:-90}

fail() {
	echo "desktop-smoke: FAIL: $*" >&2
	if [[ -n ${LOG:-} && -s $LOG ]]; then
		echo "---- app log ($LOG) ----" >&2
		cat "$LOG" >&2
		echo "---- end of log ----" >&2
	fi
	exit 1
}

for cmd in Xvfb dbus-run-session setsid import identify; do
	command -v "$cmd" >/dev/null || fail "$cmd is not installed (apt-get install xvfb dbus imagemagick)"
done
[[ -x $BIN ]] || fail "$BIN is not an executable: build it with make desktop"

mkdir -p "$OUT"
WORK=$(mktemp -d)
LOG=$OUT/desktop.log
SHOT=$OUT/desktop.png
rm -f "$LOG" "$SHOT"
: >"$LOG"

XVFB_PID=
APP_PID=

# stop PID [GROUP]: TERM, then KILL after 5 s; GROUP=1 signals the whole process group.
stop() {
	local pid=$1 target=$1
	[[ ${2:-0} == 1 ]] && target=-$1
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
	kill -TERM -- "$target" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "$target" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	local rc=$?
	[[ -n $APP_PID ]] && stop "$APP_PID" 1
	[[ -n $XVFB_PID ]] && stop "$XVFB_PID"
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

deadline=$((SECONDS + TIMEOUT))

# Xvfb picks a free display itself and writes its number once it accepts clients.
Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp 3>"$WORK/display" 2>"$WORK/xvfb.log" &
XVFB_PID=$!
until [[ -s $WORK/display ]]; do
	kill -0 "$XVFB_PID" 2>/dev/null || { cat "$WORK/xvfb.log" >&2; fail "Xvfb exited"; }
	((SECONDS < deadline)) || fail "Xvfb did not start within ${TIMEOUT}s"
	sleep 0.1
done
DISPLAY_NUM=:$(tr -dc '0-9' <"$WORK/display")
echo "desktop-smoke: Xvfb on $DISPLAY_NUM (pid $XVFB_PID)"

# Own session and process group (setsid), so stopping it stops the app, its
# WebKit helpers and the private D-Bus daemon, and nothing else.
mkdir -p "$WORK/out"
# BRIEFSTUDIO_SAVE_DIR answers the Save dialog with that folder (nobody is
# there to click); everything else is the real app.
DISPLAY=$DISPLAY_NUM BRIEFSTUDIO_SAVE_DIR=$WORK/out setsid dbus-run-session -- "$BIN" --data "$WORK/data" >"$LOG" 2>&1 </dev/null &
APP_PID=$!
echo "desktop-smoke: app started (pid $APP_PID), waiting for 'ui ready:' (timeout ${TIMEOUT}s)"

start=$SECONDS
until grep -q '^ui ready:' "$LOG"; do
	kill -0 "$APP_PID" 2>/dev/null || fail "the app exited before the UI was ready"
	((SECONDS < deadline)) || fail "no 'ui ready:' line within ${TIMEOUT}s"
	sleep 0.2
done
READY=$(grep -m1 '^ui ready:' "$LOG")
echo "desktop-smoke: ready after $((SECONDS - start))s: $READY"
[[ $READY == *"Brief Studio"* ]] || fail "the ready line does not contain \"Brief Studio\""
[[ $READY == *"page=briefs"* ]] || fail "the ready line is not for the briefs page"

if command -v xdotool >/dev/null; then
	DISPLAY=$DISPLAY_NUM xdotool search --name '^Brief Studio$' >/dev/null ||
		fail "no window titled \"Brief Studio\""
fi

# Ready is called once the list is painted; still, wait until two screenshots
# in a row are the same, so the picture is of the settled window.
colours=0
prev=
while :; do
	DISPLAY=$DISPLAY_NUM import -window root "$WORK/shot.png" 2>>"$WORK/import.log" || true
	if [[ -s $WORK/shot.png ]]; then
		sum=$(md5sum <"$WORK/shot.png")
		colours=$(identify -format '%k' "$WORK/shot.png" 2>/dev/null || echo 0)
		((colours > 20)) && [[ $sum == "$prev" ]] && break
		prev=$sum
	fi
	((SECONDS < deadline)) || { cp -f "$WORK/shot.png" "$SHOT" 2>/dev/null || true; fail "the screenshot looks blank or never settled ($colours colours): $SHOT"; }
	sleep 0.25
done
mv -f "$WORK/shot.png" "$SHOT"
echo "desktop-smoke: screenshot $SHOT ($colours colours)"

kill -0 "$APP_PID" 2>/dev/null || fail "the app exited after the UI was ready"

# waitlog PATTERN WHAT: waits for a line of the app's log.
waitlog() {
	until grep -q -- "$1" "$LOG"; do
		kill -0 "$APP_PID" 2>/dev/null || fail "the app exited while waiting for $2"
		((SECONDS < deadline)) || fail "no $2 within ${TIMEOUT}s"
		sleep 0.2
	done
}

# A second launch with a Markdown file: the first window comes forward and
# imports it (the single-instance lock talks over the app's D-Bus session).
SAMPLE=$PWD/app/testdata/discussion-brief.md
BUS=
for child in $(pgrep -P "$APP_PID"); do
	# dbus-run-session's children: its daemon, and the app with the bus in its environment.
	BUS=$(tr '\0' '\n' <"/proc/$child/environ" 2>/dev/null | sed -n 's/^DBUS_SESSION_BUS_ADDRESS=//p')
	[[ -n $BUS ]] && break
done
[[ -n $BUS ]] || fail "cannot find the app's D-Bus session"
# Wails ends the second process with status 1 once the first has the message.
rc=0
DISPLAY=$DISPLAY_NUM DBUS_SESSION_BUS_ADDRESS=$BUS timeout 30 "$BIN" --data "$WORK/data" "$SAMPLE" >"$WORK/second.log" 2>&1 || rc=$?
((rc != 124)) || fail "the second launch did not end by itself: $(cat "$WORK/second.log")"
waitlog '^second launch: focused' "focus on the second launch"
waitlog '^imported: discussion-brief.md' "the import of the file given to the second launch"
echo "desktop-smoke: second launch focused the window and imported $(grep -m1 '^imported:' "$LOG")"
if command -v xdotool >/dev/null; then
	n=$(DISPLAY=$DISPLAY_NUM xdotool search --onlyvisible --name 'Brief Studio' | wc -l)
	((n == 1)) || fail "$n windows after the second launch, want 1"
fi

# Edit the brief in the window: after an import the cursor is in the text.
command -v xdotool >/dev/null || fail "xdotool is not installed"
waitlog '^ui title: Housing first' "the brief's name in the window title"
WIN=$(DISPLAY=$DISPLAY_NUM xdotool search --onlyvisible --name 'Brief Studio' | head -1)
DISPLAY=$DISPLAY_NUM xdotool windowfocus --sync "$WIN" 2>/dev/null || true
sleep 1
TYPED="Typed in the window by the smoke test."
DISPLAY=$DISPLAY_NUM xdotool type --delay 20 "$TYPED "
sleep 1.5 # the edit reaches the embedded server in well under a second

# Export PDF through the menu's shortcut and the façade's save flow.
until grep -q '^saved: ' "$LOG"; do
	DISPLAY=$DISPLAY_NUM xdotool key --clearmodifiers ctrl+shift+e
	sleep 1
	DISPLAY=$DISPLAY_NUM xdotool key --clearmodifiers Return
	sleep 1.5
	kill -0 "$APP_PID" 2>/dev/null || fail "the app exited during the export"
	((SECONDS < deadline)) || fail "no PDF saved within ${TIMEOUT}s"
done
PDF=$(sed -n 's/^saved: \(.*\) ([0-9]* bytes)$/\1/p' "$LOG" | head -1)
[[ -s $PDF && $PDF == "$WORK/out/"* ]] || fail "the saved PDF is missing: $PDF"
pdftotext "$PDF" "$WORK/pdf.txt" || fail "pdftotext cannot read $PDF"
grep -q 'Housing first' "$WORK/pdf.txt" || fail "the PDF lacks the brief's title"
grep -q 'DRAFT' "$WORK/pdf.txt" || fail "the PDF lacks the DRAFT mark"
tr -s ' \n' ' ' <"$WORK/pdf.txt" | grep -q "$TYPED" || fail "the PDF lacks the words typed in the window: $TYPED"
echo "desktop-smoke: typed in the window, exported $(basename "$PDF") ($(stat -c %s "$PDF") bytes) through the save flow, with the typed words in it"
sleep 0.5
DISPLAY=$DISPLAY_NUM import -window root "$OUT/desktop-exported.png" 2>>"$WORK/import.log" || true

kill -0 "$APP_PID" 2>/dev/null || fail "the app exited after the export"

# A separately started shared server, through an outage and a restart.
SHARED_PID=
start_shared() { # start_shared ADDR: serve the shared data directory on ADDR
	setsid "$BIN" serve --addr "$1" --data "$WORK/shared" >>"$WORK/shared.log" 2>&1 </dev/null &
	SHARED_PID=$!
}
stop_shared() { [[ -n $SHARED_PID ]] && stop "$SHARED_PID" 1; SHARED_PID=; }
trap 'rc=$?; stop_shared; (exit $rc); cleanup' EXIT
: >"$WORK/shared.log"
start_shared 127.0.0.1:0
until grep -q '/login?token=' "$WORK/shared.log"; do
	kill -0 "$SHARED_PID" 2>/dev/null || fail "the shared server did not start: $(cat "$WORK/shared.log")"
	((SECONDS < deadline + 60)) || fail "the shared server printed no login link"
	sleep 0.2
done
SHARED=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/shared.log" | head -1)
SHARED_ADDR=${SHARED#http://}
LINK=$("$BIN" user add --data "$WORK/shared" --email ana@example.org --name "Ana Author" --role author | sed -n 's/^login: //p')
[[ -n $LINK ]] || fail "no login link for Ana on the shared server"
TOKEN=$("$BIN" user add --data "$WORK/shared" --email check@example.org --name "Check" --role admin | sed -n 's/^token: //p')

# Open Ana's link with the app: the window adds the server and switches to it;
# then a file given to the next launch is imported there.
DISPLAY=$DISPLAY_NUM DBUS_SESSION_BUS_ADDRESS=$BUS timeout 30 "$BIN" --data "$WORK/data" "$LINK" >"$WORK/second.log" 2>&1 || true
waitlog '^second launch: login link for' "the login link handed to the window"
sleep 2
DISPLAY=$DISPLAY_NUM DBUS_SESSION_BUS_ADDRESS=$BUS timeout 30 "$BIN" --data "$WORK/data" "$SAMPLE" >"$WORK/second.log" 2>&1 || true
until (($(grep -c '^imported: discussion-brief.md' "$LOG") >= 2)); do
	kill -0 "$APP_PID" 2>/dev/null || fail "the app exited during the import to the shared server"
	((SECONDS < deadline + 90)) || fail "no import to the shared server"
	sleep 0.2
done
SHARED_BRIEF=$(grep '^imported: discussion-brief.md' "$LOG" | tail -1 | sed 's/.* as //')
on_shared() { curl -fsS -H "Authorization: Bearer $TOKEN" "$SHARED/api/briefs/$SHARED_BRIEF" 2>/dev/null; }
on_shared | grep -q 'Housing first' || fail "the brief imported in the window is not on the shared server"
echo "desktop-smoke: the window added the shared server from a login link and imported $SHARED_BRIEF there"

# Type, cut the server, type on, restart it on the same address: every word arrives.
sleep 1
DISPLAY=$DISPLAY_NUM xdotool windowfocus --sync "$WIN" 2>/dev/null || true
DISPLAY=$DISPLAY_NUM xdotool type --delay 20 "Before the outage. "
sleep 1.5
stop_shared
DISPLAY=$DISPLAY_NUM xdotool type --delay 20 "During the outage. "
sleep 2
start_shared "$SHARED_ADDR"
until on_shared | grep -q 'During the outage' && on_shared | grep -q 'Before the outage'; do
	kill -0 "$APP_PID" 2>/dev/null || fail "the app exited during the outage"
	((SECONDS < deadline + 150)) || fail "the words typed before and during the outage did not reach the restarted server"
	sleep 0.3
done
n=$(on_shared | grep -o 'During the outage' | wc -l)
((n == 1)) || fail "the words typed during the outage arrived $n times"
echo "desktop-smoke: typed through an outage and a restart of the shared server: every word arrived once"
DISPLAY=$DISPLAY_NUM import -window root "$OUT/desktop-shared.png" 2>>"$WORK/import.log" || true
stop_shared

kill -0 "$APP_PID" 2>/dev/null || fail "the app exited after the shared-server steps"
echo "desktop-smoke: PASS"
