package argument

import (
	"strings"
)

// securityServices are services whose stopping disables a security
// control.
var securityServices = set("firewalld", "ufw", "iptables", "ip6tables", "nftables", "apparmor", "auditd", "selinux", "falco",
	"osqueryd", "crowdstrike", "falcon-sensor", "sentinelone", "sentinelagent", "clamav", "clamd", "clamav-daemon", "wazuh-agent",
	"ossec", "sysmon", "windefend", "mdatp", "rsyslog", "syslog", "syslog-ng", "systemd-journald", "aide", "fail2ban", "sense", "wdfilter")

// privilegedCmd reads one simple command, res[i] of sc, for privilege
// escalation, persistence and disabling of security controls; f scales
// the weights and depth is the nesting of the script (scriptSignals).
func (a *analysis) privilegedCmd(it *item, sc *shScript, res []resolved, i int, f float64, depth int) {
	c, r := &sc.cmds[i], res[i]
	sp := func() string { return a.spanAll(it.s) }
	add := func(sig string, w float64) { a.priv.add("privileged."+sig, it.field, sp(), w*f) }
	for _, w := range r.wrappers {
		if w == "chroot" {
			add("chroot", 0.5)
		}
		if w == "sudo" || w == "doas" || w == "pkexec" || w == "runuser" {
			// sudo apt-get install is routine; a root shell is not.
			if shellCmds[r.name] || interpCmds[r.name] || r.name == "su" {
				add("sudo", 0.45)
			} else {
				add("sudo", 0.3)
			}
		}
	}
	args := r.args
	switch r.name {
	case "sudo", "doas", "pkexec":
		// Bare sudo -i / sudo -s / sudo su: a root shell.
		add("sudo", 0.45)
	case "su":
		if len(args) == 0 || anyEq(args, "-", "-l", "--login", "root", "-c", "-s") {
			add("su", 0.45)
		}
	case "chmod":
		for _, m := range args {
			lm := strings.ToLower(m)
			switch {
			case strings.Contains(lm, "+s") || strings.Contains(lm, "u+s") || strings.Contains(lm, "g+s") ||
				len(m) == 4 && isDigits(m) && (m[0] == '4' || m[0] == '2' || m[0] == '6'):
				add("setuid", 0.7)
			case strings.Contains(m, "777") || strings.Contains(m, "666") || strings.Contains(lm, "o+w") || strings.Contains(lm, "a+w"):
				add("chmod_world_writable", 0.4)
			}
		}
	case "chown", "chgrp":
		for _, m := range args {
			if m == "root" || strings.HasPrefix(m, "root:") || m == "0" || strings.HasPrefix(m, "0:") {
				add("chown_root", 0.45)
			}
		}
	case "setcap":
		if anyContains(args, "cap_setuid") || anyContains(args, "cap_sys_admin") || anyContains(args, "cap_dac") || anyContains(args, "+ep") {
			add("capabilities", 0.6)
		}
	case "usermod", "gpasswd", "adduser", "addgroup", "useradd":
		for i, m := range args {
			lm := strings.ToLower(m)
			if privGroup(lm) && (i > 0 || r.name == "adduser" || r.name == "gpasswd") {
				add("admin_group", 0.75)
			}
			if (m == "-u" || m == "--uid") && i+1 < len(args) && args[i+1] == "0" || m == "-o" {
				add("uid0_user", 0.8)
			}
		}
	case "passwd":
		if anyEq(args, "root") {
			add("root_password", 0.6)
		}
	case "visudo":
		add("sudoers_write", 0.6)
	case "crontab":
		a.cronInstall(it, sc, res, i, f, depth)
	case "systemctl", "service", "sc", "rc-service", "launchctl":
		verb, svc := "", ""
		for _, m := range args {
			lm := strings.ToLower(strings.TrimSuffix(m, ".service"))
			switch lm {
			case "enable", "stop", "disable", "mask", "kill", "load", "config", "delete":
				verb = lm
			default:
				if !strings.HasPrefix(lm, "-") {
					svc = lm
				}
			}
			if securityServices[lm] {
				svc = lm
			}
		}
		switch {
		case securityServices[svc] && (verb == "stop" || verb == "disable" || verb == "mask" || verb == "kill" || verb == "delete" || verb == "config" || anyEq(args, "stop")):
			add("disable_security", 0.75)
		case (verb == "enable" || verb == "load") && !packagedServices[strings.TrimSuffix(svc, "@")]:
			// enabling the daemon a package installed (nginx, postgresql)
			// is administration; enabling anything else is how a planted
			// unit survives a reboot
			add("service_enable", 0.4)
		}
	case "setenforce":
		if anyEq(args, "0", "permissive", "Permissive") {
			add("disable_security", 0.75)
		}
	case "ufw":
		if anyEq(args, "disable") {
			add("disable_security", 0.7)
		}
	case "iptables", "ip6tables", "nft":
		if anyEq(args, "-F", "--flush", "-X", "flush") || anyEq(args, "-P") && anyEq(args, "ACCEPT") {
			add("disable_security", 0.6)
		}
	case "auditctl":
		if anyEq(args, "-D") || anyEq(args, "-e") && anyEq(args, "0") {
			add("disable_security", 0.7)
		}
	case "docker", "podman", "nerdctl":
		for i, m := range args {
			lm := strings.ToLower(m)
			next := ""
			if i+1 < len(args) {
				next = strings.ToLower(args[i+1])
			}
			switch {
			case lm == "--privileged" || strings.HasPrefix(lm, "--privileged="):
				add("container_escape", 0.75)
			case strings.HasPrefix(lm, "--cap-add") && containsAny(lm+" "+next, "all", "sys_admin", "sys_ptrace", "sys_module", "dac_read_search"):
				add("container_escape", 0.7)
			case lm == "--pid=host" || lm == "--pid" && next == "host" || lm == "--ipc=host" || lm == "--userns=host" ||
				strings.HasPrefix(lm, "--security-opt") && containsAny(lm+" "+next, "unconfined", "no-new-privileges=false"):
				add("container_escape", 0.65)
			case lm == "-v" || lm == "--volume" || lm == "--mount":
				if hostRootMount(next) {
					add("container_escape", 0.75)
				}
			case strings.HasPrefix(lm, "-v=") || strings.HasPrefix(lm, "--volume="):
				if hostRootMount(lm[strings.IndexByte(lm, '=')+1:]) {
					add("container_escape", 0.75)
				}
			case strings.HasPrefix(lm, "--device"):
				add("container_escape", 0.5)
			}
		}
	case "kubectl":
		if anyContains(args, "privileged") || anyContains(args, "hostPID") || anyContains(args, "hostpid") {
			add("container_escape", 0.6)
		}
		if anyEq(args, "debug") && anyHasPrefix(args, "node/") {
			// kubectl debug node/x runs a pod in the node's namespaces
			// with its root file system mounted.
			add("container_escape", 0.6)
		}
	case "nsenter":
		add("nsenter", 0.75)
	case "mount":
		if len(args) > 0 && !anyEq(args, "-l") {
			add("mount", 0.45)
		}
	case "chroot":
		add("chroot", 0.5)
	case "insmod", "modprobe", "rmmod", "kldload":
		add("kernel_module", 0.6)
	case "sysctl":
		if anyEq(args, "-w") || anyContains(args, "=") {
			add("sysctl", 0.35)
		}
	case "net":
		la := strings.ToLower(strings.Join(args, " "))
		switch {
		case strings.Contains(la, "localgroup") && strings.Contains(la, "administrators") && strings.Contains(la, "/add"):
			add("admin_group", 0.75)
		case strings.HasPrefix(la, "user") && strings.Contains(la, "/add"):
			add("add_user", 0.5)
		}
	case "reg":
		la := strings.ToLower(strings.Join(args, " "))
		if strings.HasPrefix(la, "add") && containsAny(la, `\run`, `\runonce`, "image file execution options", `\winlogon`, `\services\`) {
			add("registry_persistence", 0.6)
		}
	case "schtasks":
		la := strings.ToLower(strings.Join(args, " "))
		if strings.Contains(la, "/create") {
			w := 0.45
			if strings.Contains(la, "system") {
				w = 0.65
			}
			add("scheduled_task", w)
		}
	case "history":
		if anyEq(args, "-c", "-w") {
			add("anti_forensics", 0.45)
		}
	case "unset":
		if anyEq(args, "HISTFILE") {
			add("anti_forensics", 0.45)
		}
	case "export":
		if anyHasPrefix(args, "HISTFILE=/dev/null") || anyHasPrefix(args, "HISTSIZE=0") {
			add("anti_forensics", 0.45)
		}
	}
	if r.name == "chmod" || r.name == "chown" || r.name == "chgrp" || r.name == "setfacl" {
		for _, m := range args {
			switch strings.ToLower(m) {
			case "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/passwd", "/etc/group":
				// Loosening who may read or write the account files.
				add("account_file_perms", 0.6)
			}
		}
	}
	for _, t := range writeTargets(c, r) {
		a.privilegedWrite(it, t, f)
	}
}

// privGroup reports an administrative group name in a group list.
func privGroup(s string) bool {
	for _, g := range strings.Split(s, ",") {
		switch g {
		case "sudo", "wheel", "admin", "root", "docker", "adm", "administrators", "lxd", "disk", "shadow":
			return true
		}
	}
	return false
}

// hostRootMount reports a bind mount of the host's root, its Docker
// socket, /etc or /root.
func hostRootMount(v string) bool {
	src, _, _ := strings.Cut(strings.TrimPrefix(v, "type=bind,source="), ":")
	src = strings.TrimPrefix(src, "src=")
	return src == "/" || strings.HasPrefix(src, "/var/run/docker.sock") || strings.HasPrefix(src, "/run/docker.sock") ||
		src == "/etc" || src == "/root" || src == "/proc" || src == "/dev" || src == "/boot"
}

// writeTargets returns the files a command writes: redirection targets,
// tee arguments, the destination of cp, mv, install and ln, dd's of=, and
// files sed -i edits.
func writeTargets(c *shCmd, r resolved) []string {
	var out []string
	for _, rd := range c.redirs {
		if strings.HasPrefix(rd.op, ">") || rd.op == "&>" || rd.op == "&>>" {
			out = append(out, rd.target)
		}
	}
	nonFlags := func() []string {
		var n []string
		for _, w := range r.args {
			if !strings.HasPrefix(w, "-") {
				n = append(n, w)
			}
		}
		return n
	}
	switch r.name {
	case "tee":
		out = append(out, nonFlags()...)
	case "cp", "mv", "install", "ln", "rsync", "scp":
		if n := nonFlags(); len(n) >= 2 {
			out = append(out, n[len(n)-1])
		}
	case "dd":
		for _, w := range r.args {
			if strings.HasPrefix(w, "of=") {
				out = append(out, w[3:])
			}
		}
	case "sed", "perl":
		if anyHasPrefix(r.args, "-i") || anyHasPrefix(r.args, "-pi") {
			n := nonFlags()
			if len(n) >= 2 {
				out = append(out, n[1:]...)
			}
		}
	}
	return out
}

// privilegedWrite reads one file a command or a write tool writes.
func (a *analysis) privilegedWrite(it *item, target string, f float64) {
	t := strings.ToLower(strings.Trim(target, `'"`))
	if t == "" {
		return
	}
	sp := lazy(func() string { return a.spanAll(it.s) })
	add := func(sig string, w float64) { a.priv.add("privileged."+sig, it.field, sp(), w*f) }
	switch {
	case strings.Contains(t, "/etc/sudoers"):
		add("sudoers_write", 0.85)
	case strings.HasSuffix(t, "authorized_keys") || strings.HasSuffix(t, "authorized_keys2"):
		add("ssh_authorized_keys", 0.8)
	case strings.HasPrefix(t, "/etc/cron") || strings.HasPrefix(t, "/var/spool/cron") || strings.HasPrefix(t, "/etc/anacrontab"):
		add("cron", 0.6)
	case strings.HasPrefix(t, "/etc/systemd/") || strings.HasPrefix(t, "/lib/systemd/") || strings.HasPrefix(t, "/usr/lib/systemd/") ||
		strings.Contains(t, ".config/systemd/user") || strings.HasPrefix(t, "/etc/init.d/") || t == "/etc/rc.local" ||
		strings.Contains(t, "/library/launchdaemons/") || strings.Contains(t, "/library/launchagents/"):
		add("service_persistence", 0.55)
	case t == "/etc/ld.so.preload":
		add("ld_preload", 0.85)
	case t == "/etc/passwd" || t == "/etc/shadow" || t == "/etc/group" || t == "/etc/gshadow":
		add("account_file_write", 0.85)
	case strings.HasSuffix(t, "/.bashrc") || strings.HasSuffix(t, "/.bash_profile") || strings.HasSuffix(t, "/.profile") ||
		strings.HasSuffix(t, "/.zshrc") || strings.HasPrefix(t, "/etc/profile") || strings.HasPrefix(t, "/etc/bash.bashrc") ||
		t == "~/.bashrc" || t == "~/.zshrc" || t == "~/.profile" || t == "~/.bash_profile":
		add("shell_profile", 0.3)
	case strings.HasPrefix(t, "/etc/pam.d/") || strings.HasPrefix(t, "/etc/ssh/sshd_config"):
		add("auth_config_write", 0.7)
	case strings.Contains(strings.ReplaceAll(t, `\`, "/"), "/start menu/programs/startup/"):
		add("service_persistence", 0.6)
	case strings.Contains(strings.ReplaceAll(t, `\`, "/"), ".git/hooks/"):
		add("git_hook", 0.45)
	case strings.HasSuffix(t, "claude_desktop_config.json") || strings.HasSuffix(t, "/mcp.json") || t == "mcp.json" ||
		strings.HasSuffix(t, ".claude.json") || strings.HasSuffix(t, "mcp_config.json") || strings.HasSuffix(t, "cline_mcp_settings.json"):
		// A new MCP server in the client's configuration runs at its
		// next start.
		add("mcp_config_write", 0.6)
	}
}

// writeTargetItem reads the path arguments of a write tool for privileged
// locations (a write_file to /etc/sudoers or ~/.ssh/authorized_keys).
func (a *analysis) writeTargetItem(it *item) {
	if !a.tool.write || it.kc != keyPath || len(it.s) > 4096 {
		return
	}
	a.privilegedWrite(it, it.s, 0.9)
}

// packagedServices are the units that widely used Debian, Ubuntu and RHEL
// packages install and that administrators enable as a matter of course.
var packagedServices = map[string]bool{
	"nginx": true, "apache2": true, "httpd": true, "caddy": true, "haproxy": true, "tomcat": true, "tomcat9": true, "tomcat10": true,
	"docker": true, "containerd": true, "podman": true, "kubelet": true,
	"postgresql": true, "mysql": true, "mysqld": true, "mariadb": true, "redis": true, "redis-server": true, "mongod": true, "memcached": true,
	"elasticsearch": true, "rabbitmq-server": true, "clickhouse-server": true, "zookeeper": true, "kafka": true,
	"php-fpm": true, "php8.2-fpm": true, "php8.3-fpm": true, "chronyd": true, "chrony": true, "ntp": true, "ntpd": true, "systemd-timesyncd": true,
	"fail2ban": true, "firewalld": true, "ufw": true, "cron": true, "crond": true, "rsyslog": true, "nfs-server": true, "smbd": true, "cups": true,
	"grafana-server": true, "prometheus": true, "prometheus-node-exporter": true, "node_exporter": true, "jenkins": true, "gitlab-runner": true,
	"bind9": true, "named": true, "dnsmasq": true, "unbound": true, "postfix": true, "dovecot": true, "snapd": true,
}
