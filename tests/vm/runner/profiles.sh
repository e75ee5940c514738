# SPDX-License-Identifier: GPL-2.0
#
# run-scenario.sh, part 4: the QEMU machine of each '# profile:'.  Sourced;
# set_profile sets qemu_args (array) and append (string); backing files go
# in $work.
# shellcheck shell=bash disable=SC2034,SC2054 # variables used by the other parts; commas in QEMU args

# nvdimm_machine RAM MAXMEM BYTES [LABEL_SIZE]: a pc with one nvdimm on a
# fresh sparse file of BYTES (its label area included)
nvdimm_machine() {
	local ram="$1" maxmem="$2" bytes="$3" label="${4:-}"
	truncate -s "$bytes" "$work/nvdimm0.img"
	qemu_args=(-machine pc,nvdimm=on -cpu max -m "$ram,slots=4,maxmem=$maxmem"
		-object "memory-backend-file,id=mem1,share=on,mem-path=$work/nvdimm0.img,size=$bytes"
		-device "nvdimm,id=nv1,memdev=mem1${label:+,label-size=$label}")
}

set_profile() {
	# no_timer_check: under TCG on a loaded host the kernel's IO-APIC
	# timer check can miss its ticks and panic the boot ("IO-APIC + timer
	# doesn't work!").
	append="console=ttyS0 memhp_default_state=offline panic=-1 oops=panic no_timer_check"
	qemu_args=()
	case "$profile" in
	nvdimm-raw) nvdimm_machine 1G 8G 2G ;;
	nvdimm-labels) nvdimm_machine 1G 8G 2147614720 128K ;; # 2 GiB + 128 KiB of labels
	virtio-mem)
		qemu_args=(-machine pc -cpu max -m 1G,slots=4,maxmem=8G
			-object memory-backend-ram,id=vmem0,size=2G
			-device virtio-mem-pci,id=vm0,memdev=vmem0,requested-size=0)
		;;
	dimm)
		qemu_args=(-machine pc -cpu max -m 1G,slots=4,maxmem=8G
			-object memory-backend-ram,id=dimm0mem,size=128M
			-device pc-dimm,id=dimm0,memdev=dimm0mem)
		;;
	medium) nvdimm_machine 3G 24G 16G ;;
	large) nvdimm_machine 3G 80G 64G ;;
	# 256 GiB: its memmap (4 GiB) lives in the guest's RAM
	huge) nvdimm_machine 7G 272G 256G ;;
	large-labels) nvdimm_machine 3G 80G 68719607808 128K ;; # 64 GiB + 128 KiB of labels
	cxl)
		version_ge "$qemu_ver" 10 || skip "profile cxl needs QEMU >= 10 (have $qemu_ver; run scripts/install-deps.sh)"
		qemu_args=(-machine q35,cxl=on -cpu max,hypervisor=off -m 2G,maxmem=8G,slots=8
			-object memory-backend-ram,id=vmem0,share=on,size=1G
			-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1
			-device cxl-rp,port=0,bus=cxl.1,id=root_port13,chassis=0,slot=2
			-device cxl-type3,bus=root_port13,volatile-memdev=vmem0,id=cxl-vmem0
			-M cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G)
		;;
	*) die "unknown profile '$profile'" ;;
	esac
	[ -z "$kernel_append" ] || append="$append $kernel_append"
	[ -z "$extra_append" ] || append="$append $extra_append"
}
