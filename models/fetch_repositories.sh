#!/usr/bin/env bash
# Fetch the repositories `eval api` and the ranking fits are measured on, at the versions the README
# tables name, from the npm registry and Debian 12's archive (nothing is installed), and write the two
# lists the scripts take (`name path` per line):
#   ROOT/dev.txt   the 43 development repositories (models/member-ranking/dev_repositories.txt)
#   ROOT/held.txt  the 23 held-out repositories of the README's table (never tuned on)
# usage: bash models/fetch_repositories.sh /tmp/repos      (about 5 minutes; about 1.5 GB)
set -euo pipefail
ROOT=${1:?usage: fetch_repositories.sh ROOT}
mkdir -p "$ROOT/npm" "$ROOT/debs" "$ROOT/deb"
ROOT=$(cd "$ROOT" && pwd)
PY=$ROOT/deb/usr/lib/python3/dist-packages

npm_get() { # name version -> ROOT/npm/<name>/package
  local dir="$ROOT/npm/${1//\//_}"
  [ -d "$dir/package" ] && return
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "$1@$2" > /dev/null && tar xzf ./*.tgz && rm ./*.tgz)
}
npm_dir() { echo "$ROOT/npm/${1//\//_}/package${2:+/$2}"; }

DEBS="python3-pip python3-pyparsing python3-yaml python3-jwt python3-httplib2 python3-wadllib
  python3-argcomplete python3-software-properties python3-pytest python3-attr python3-docutils
  python3-pluggy python3-pil python3-fonttools python3-matplotlib python3-sqlalchemy python3-tornado
  python3-networkx python3-sphinx python3-oauthlib python3-cryptography python3-lazr.restfulclient
  python3-lazr.uri python3-dnspython python3-markdown-it python3-openpyxl python3-babel
  python3-jsonschema python3-marshmallow"
(cd "$ROOT/debs" && for p in $DEBS; do ls ${p}_*.deb > /dev/null 2>&1 || apt-get download -qq "$p"; done)
for deb in "$ROOT"/debs/*.deb; do dpkg -x "$deb" "$ROOT/deb"; done

while read -r name version; do npm_get "$name" "$version"; done <<'EOF'
@tanstack/query-core 5.108.4
zod 4.6.7
mobx 7.1.3
immer 11.2.13
fp-ts 2.16.9
@tanstack/router-core 1.171.39
@tanstack/form-core 1.33.5
effect 3.10.0
@nestjs/core 12.5.1
lit-html 3.3.3
@effect/platform 0.97.2
@nestjs/common 12.5.1
ohm-js 17.5.0
@effect/sql 0.52.1
graphql 16.11.0
webpack 5.101.0
eslint 9.30.0
knex 3.1.0
rxjs 7.8.1
@reduxjs/toolkit 2.15.0
kysely 0.28.19
@mikro-orm/core 6.6.16
@tiptap/extensions 3.35.0
prosemirror-state 1.4.4
undici 7.30.2
mongoose 9.12.1
sequelize 6.37.8
postcss 8.5.34
lib0 0.2.120
typeorm 1.1.1
drizzle-orm 0.45.4
EOF

# The trims the README tables name: fp-ts's declarations only; @effect/platform without its two
# generated 2–3 MB files; graphql without its .mjs copies; typeorm without browser/; drizzle-orm
# without its .cjs / .d.cts copies.
FPTS=$ROOT/fp-ts-dts
if [ ! -d "$FPTS" ]; then
  mkdir -p "$FPTS" && (cd "$(npm_dir fp-ts lib)" && find . -name '*.d.ts' -exec cp --parents {} "$FPTS" \;)
fi
find "$(npm_dir @effect/platform src)" \( -name httpApiSwagger.ts -o -name httpApiScalar.ts \) -delete
find "$(npm_dir graphql)" -name '*.mjs' -delete
rm -rf "$(npm_dir typeorm browser)"
find "$(npm_dir drizzle-orm)" \( -name '*.cjs' -o -name '*.d.cts' -o -name '*.cjs.map' \) -delete

cat > "$ROOT/dev.txt" <<EOF
tq $(npm_dir @tanstack/query-core src)
zod $(npm_dir zod src)
mobx $(npm_dir mobx src)
immer $(npm_dir immer src)
fpts $FPTS
router $(npm_dir @tanstack/router-core src)
form $(npm_dir @tanstack/form-core src)
effect $(npm_dir effect src)
nest $(npm_dir @nestjs/core)
lit $(npm_dir lit-html)
pipint $PY/pip/_internal
pyparsing $PY/pyparsing
yaml $PY/yaml
jwt $PY/jwt
httplib2 $PY/httplib2
requests $PY/pip/_vendor/requests
packaging $PY/pip/_vendor/packaging
distlib $PY/pip/_vendor/distlib
cachecontrol $PY/pip/_vendor/cachecontrol
resolvelib $PY/pip/_vendor/resolvelib
chardet $PY/pip/_vendor/chardet
wadllib $PY/wadllib
argcomplete $PY/argcomplete
softprop $PY/softwareproperties
pytest $PY/_pytest
attr $PY/attr
docutils $PY/docutils
pluggy $PY/pluggy
platform $(npm_dir @effect/platform src)
nestcommon $(npm_dir @nestjs/common)
ohm $(npm_dir ohm-js src)
esql $(npm_dir @effect/sql src)
pil $PY/PIL
fonttools $PY/fontTools
matplotlib $PY/matplotlib
sqlalchemy $PY/sqlalchemy
tornado $PY/tornado
networkx $PY/networkx
sphinx $PY/sphinx
graphql $(npm_dir graphql)
webpack $(npm_dir webpack lib)
eslint $(npm_dir eslint lib)
knex $(npm_dir knex lib)
EOF

cat > "$ROOT/held.txt" <<EOF
rxjs $(npm_dir rxjs src)
oauthlib $PY/oauthlib
cryptography $PY/cryptography
rich $PY/pip/_vendor/rich
rtk $(npm_dir @reduxjs/toolkit src)
lazr $PY/lazr
dnspython $PY/dns
markdown-it-py $PY/markdown_it
openpyxl $PY/openpyxl
kysely $(npm_dir kysely dist/esm)
mikro-orm $(npm_dir @mikro-orm/core)
tiptap-extensions $(npm_dir @tiptap/extensions src)
prosemirror-state $(npm_dir prosemirror-state src)
undici $(npm_dir undici lib)
mongoose $(npm_dir mongoose lib)
sequelize $(npm_dir sequelize lib)
postcss $(npm_dir postcss lib)
babel $PY/babel
jsonschema $PY/jsonschema
marshmallow $PY/marshmallow
lib0 $(npm_dir lib0)
typeorm $(npm_dir typeorm)
drizzle-orm $(npm_dir drizzle-orm)
EOF
while read -r name dir; do [ -d "$dir" ] || { echo "missing: $name $dir" >&2; exit 1; }; done < <(cat "$ROOT/dev.txt" "$ROOT/held.txt")
echo "dev: $(wc -l < "$ROOT/dev.txt") repositories, held out: $(wc -l < "$ROOT/held.txt") — lists in $ROOT"
