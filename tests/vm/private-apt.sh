# SPDX-License-Identifier: GPL-2.0
#
# private-apt.sh: sourced by the scripts that fetch kernel packages.
# private_apt DIR MIRROR SUITE sets the array apt_opts to an apt
# configuration of its own under DIR (sources list with one line
# "deb MIRROR SUITE main", lists, cache and an empty dpkg status), so
# `apt-get "${apt_opts[@]}" update|download` never touches the host's
# packages.  Release signatures are checked with the host's trust store.
# shellcheck shell=bash

private_apt() {
	local dir="$1" mirror="$2" suite="$3"

	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" \
		"$dir/sources.list.d" "$dir/preferences.d" "$dir/dl"
	echo "deb $mirror $suite main" >"$dir/sources.list"
	: >"$dir/status"
	apt_opts=(
		-o "Dir::Etc::sourcelist=$dir/sources.list"
		-o "Dir::Etc::sourceparts=$dir/sources.list.d"
		-o "Dir::Etc::preferencesparts=$dir/preferences.d"
		-o "Dir::State::Lists=$dir/lists"
		-o "Dir::State::status=$dir/status"
		-o "Dir::Cache=$dir/cache"
		-o "APT::Get::List-Cleanup=0"
		-o "Debug::NoLocking=1"
		-o "APT::Sandbox::User=root"
		-q
	)
}
