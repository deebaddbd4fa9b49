#!/usr/bin/env bash
# Builds Panelist's Debian package (and, where rpmbuild is installed, an RPM
# of the same files): the desktop app (/usr/bin/panelist-app,
# with a desktop entry and icons at the standard sizes) and the `panelist`
# CLI on PATH, versioned from the workspace's Cargo.toml. Dependencies are
# worked out from the binaries by dpkg-shlibdeps. The package installs only
# under /usr: removing it never touches a user's data (~/.local/share/…).
#
#   scripts/package.sh [--release] [--out DIR]
#
# --release builds optimised binaries (what a team installs); without it the
# debug profile is packaged (what the test command installs and smoke-tests,
# reusing the test build). The .rpm is built offline by rpmbuild from the
# same staged tree, its library dependencies found by rpm's own ELF scan.
# Prints the path of the .deb on its last line.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PROFILE=debug
OUT="$ROOT/target/package"
while [ $# -gt 0 ]; do
  case "$1" in
    --release) PROFILE=release; shift ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

VERSION="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)"
[ -n "$VERSION" ] || { echo "package.sh: no version in Cargo.toml [workspace.package]" >&2; exit 1; }
ARCH="$(dpkg --print-architecture)"

(cd ui && npm run --silent build)
# The same packages and features as scripts/e2e.sh builds (less its test
# hooks), so that the test command reuses that build.
cargo_flags=(--locked -p panelist -p panelist-app -p panelist-server --features panelist-app/custom-protocol)
[ "$PROFILE" = release ] && cargo_flags+=(--release)
cargo build "${cargo_flags[@]}"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/$PROFILE"

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
PKG="$STAGE/panelist"
install -Dm755 "$BIN/panelist-app" "$PKG/usr/bin/panelist-app"
install -Dm755 "$BIN/panelist" "$PKG/usr/bin/panelist"
install -Dm644 packaging/panelist.desktop "$PKG/usr/share/applications/panelist.desktop"
for icon in packaging/icons/*.png; do
  size="$(basename "$icon" .png)"
  install -Dm644 "$icon" "$PKG/usr/share/icons/hicolor/$size/apps/panelist.png"
done
install -Dm644 CHANGELOG.md "$PKG/usr/share/doc/panelist/CHANGELOG.md"
install -Dm644 README.md "$PKG/usr/share/doc/panelist/README.md"
if [ "$PROFILE" = release ]; then
  strip --strip-unneeded "$PKG/usr/bin/panelist-app" "$PKG/usr/bin/panelist"
fi

# Shared-library dependencies, from the binaries themselves.
mkdir -p "$STAGE/debian"
printf 'Source: panelist\n\nPackage: panelist\nArchitecture: any\n' >"$STAGE/debian/control"
DEPENDS="$(cd "$STAGE" && dpkg-shlibdeps -O -e panelist/usr/bin/panelist-app -e panelist/usr/bin/panelist 2>/dev/null \
  | sed -n 's/^shlibs:Depends=//p')"
[ -n "$DEPENDS" ] || { echo "package.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
SIZE_KB="$(du -sk "$PKG/usr" | cut -f1)"

mkdir -p "$PKG/DEBIAN"
cat >"$PKG/DEBIAN/control" <<CONTROL
Package: panelist
Version: $VERSION
Architecture: $ARCH
Maintainer: Panelist developers <panelist@example.org>
Installed-Size: $SIZE_KB
Depends: $DEPENDS
Section: misc
Priority: optional
Description: structured interview scoring for interviewers and hiring panels
 Panelist scores live interviews against rubrics with anchored levels,
 seals colleagues' scores until yours is submitted, compares a panel and
 writes hiring-committee reports. This package holds the desktop app
 (panelist-app) and the command-line tool (panelist).
CONTROL

# An absolute path: apt installs a local .deb only by a path with a slash
# in front, and callers pass the printed path on.
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
DEB="$OUT/panelist_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group --build "$PKG" "$DEB" >/dev/null
echo "package: $(du -h "$DEB" | cut -f1) ($PROFILE build)"

# The RPM: the same files (everything under usr/ but the .deb's DEBIAN/).
if command -v rpmbuild >/dev/null; then
  RPMTOP="$STAGE/rpm"
  mkdir -p "$RPMTOP/SPECS"
  cat >"$RPMTOP/SPECS/panelist.spec" <<SPEC
Name: panelist
Version: $VERSION
Release: 1
Summary: structured interview scoring for interviewers and hiring panels
License: MIT
%global debug_package %{nil}
%global __strip /bin/true
%global _build_id_links none
%description
Panelist scores live interviews against rubrics with anchored levels,
seals colleagues' scores until yours is submitted, compares a panel and
writes hiring-committee reports. This package holds the desktop app
(panelist-app) and the command-line tool (panelist).
%install
mkdir -p %{buildroot}
cp -a "$PKG/usr" %{buildroot}/
%files
/usr/bin/panelist-app
/usr/bin/panelist
/usr/share/applications/panelist.desktop
/usr/share/icons/hicolor/*/apps/panelist.png
%doc /usr/share/doc/panelist/CHANGELOG.md
%doc /usr/share/doc/panelist/README.md
SPEC
  rpmbuild -bb --quiet --define "_topdir $RPMTOP" --define "_rpmdir $OUT" \
    --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
    "$RPMTOP/SPECS/panelist.spec" >/dev/null
  RPM="$(ls "$OUT"/panelist-"$VERSION"-1.*.rpm)"
  echo "package: $(du -h "$RPM" | cut -f1) ($PROFILE build, RPM: $RPM)"
fi
echo "$DEB"
