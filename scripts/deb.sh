#!/bin/sh
# make deb: a Debian package of the release build, which carries the web UI
# (built into it from web/dist), made with dpkg-deb from a staged tree (no
# build system of Debian's):
#   /usr/bin/redress, /etc/redress/redress.conf
#   (a conffile), the systemd unit, the docs; its maintainer scripts make
#   the `redress` system user and /var/lib/redress. Prints the file's path.
set -eu
cd "$(dirname "$0")/.."
[ -x build/redress ] && [ -f web/dist/index.html ] || { echo "deb.sh: make web, then make build" >&2; exit 1; }
grep -q '{"/index.html",' build/gen/web.c 2>/dev/null ||
    { echo "deb.sh: build/redress carries no web UI: make web, then make build" >&2; exit 1; }
version=$(build/redress version | awk '{print $2}')
arch=$(dpkg --print-architecture)
out=build/redress_${version}_${arch}.deb
root=$(mktemp -d /tmp/redress-deb.XXXXXX)
trap 'rm -rf "$root"' EXIT
chmod 0755 "$root"

install -D -m 0755 build/redress "$root/usr/bin/redress"
strip --strip-unneeded "$root/usr/bin/redress"
install -D -m 0644 packaging/redress.service "$root/lib/systemd/system/redress.service"
install -D -m 0640 packaging/redress.conf "$root/etc/redress/redress.conf"
for f in README.md docs/operations.md docs/api.md docs/privacy.md docs/packs.md; do
    install -D -m 0644 "$f" "$root/usr/share/doc/redress/$(basename "$f")"
done

# The packages of the libraries the binary names itself (NEEDED), not theirs.
depends=$(objdump -p build/redress | awk '/NEEDED/ {print $2}' | while read -r name; do
    lib=$(ldd build/redress | awk -v n="$name" '$1 == n {print $3}')
    [ -n "$lib" ] && dpkg -S "$(readlink -f "$lib")" 2>/dev/null | cut -d: -f1
done | sort -u | grep -v '^libc6$' | paste -sd, - | sed 's/,/, /g')

mkdir -p "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: redress
Version: $version
Architecture: $arch
Maintainer: Redress maintainers <redress@localhost>
Depends: libc6, adduser, $depends
Section: net
Priority: optional
Installed-Size: $(du -sk "$root" | cut -f1)
Description: complaint work-order system (投诉工单系统)
 Receives, grades, dispatches and follows complaints to closure within the
 time limits of the industry's regulations, with reports, a web UI for
 agents, stations and managers, and SQLite or PostgreSQL storage.
CONTROL
echo /etc/redress/redress.conf >"$root/DEBIAN/conffiles"
cat >"$root/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
    mkdir -p /var/lib/redress
    if ! getent passwd redress >/dev/null; then
        adduser --system --group --home /var/lib/redress --no-create-home --disabled-login \
            --gecos "Redress complaint work orders" redress >/dev/null
    fi
    install -d -o redress -g redress -m 0750 /var/lib/redress
    # The service reads its settings; init (run as redress) writes the key file here.
    chown root:redress /etc/redress /etc/redress/redress.conf
    chmod 0770 /etc/redress
    chmod 0640 /etc/redress/redress.conf
    if [ -d /run/systemd/system ]; then
        systemctl daemon-reload >/dev/null 2>&1 || true
    fi
fi
exit 0
SCRIPT
cat >"$root/DEBIAN/prerm" <<'SCRIPT'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
    systemctl stop redress.service >/dev/null 2>&1 || true
fi
exit 0
SCRIPT
cat >"$root/DEBIAN/postrm" <<'SCRIPT'
#!/bin/sh
set -e
# The data (/var/lib/redress) and the key file stay, even on purge: they are
# the organisation's records. Remove them by hand when that is meant.
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || true
fi
exit 0
SCRIPT
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "$out"
