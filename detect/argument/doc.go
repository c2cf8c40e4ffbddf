// Package argument analyses the arguments of an MCP tools/call request for
// attacks carried in them: command injection, privileged and destructive
// commands, SSRF targets, path traversal, sensitive paths, listing of
// sensitive directories, secrets and covert channels.
//
// Analyze makes one pass over every string leaf and object key of the
// decoded arguments (in sorted key order; numbers under host-like keys
// too) and returns a Report with one signal.Verdict per analyser, so the
// detection engine calls it once per request and every rule shares the
// result. Work is bounded: at most MaxStrings (2048) strings and keys,
// MaxBytes (1 MiB) in total, the first MaxStringBytes (64 KiB) of each
// string, MaxDepth (32) levels of nesting; shell tokenizing stops at 16 KiB,
// 256 commands and 4 levels of substitution per string and 512 KiB per
// call; at most 16 JSON texts found inside strings (a request body) are
// decoded and walked as arguments too, so their members keep their
// names. Report.Truncated says when a bound was hit.
//
// # Scores and levels
//
// Each finding has a weight in [0, 1]. An analyser keeps, per signal, its
// highest weight, and combines the signals by noisy-or: score =
// 1 − Π(1 − w). Independent evidence reinforces (an internal address
// written in hex: loopback 0.4 + obfuscated_host 0.35 → 0.61, high), while
// the same signal on many fields counts once. Command signals found only
// in text read as documentation or data that quotes commands (a note, a
// case description, a quiz question, a test sample written to a .json
// file) do not reinforce each other: the score is the strongest of them,
// since one quoted command raises several. Every analyser maps its score
// to a level with the same thresholds: low ≥ 0.15, medium ≥ 0.35, high ≥
// 0.6, critical ≥ 0.85. Findings that only explain carry small weights
// (command_injection.network_tool 0.1: a lone curl in a terminal tool).
// Finding.Field is the argument path ("arguments.command",
// "arguments.options.headers[0]"); Finding.Span is at most signal.MaxSpan
// bytes with every secret replaced by [REDACTED:kind].
//
// # Context
//
// Context.ExecLike (or ExecLikeTool on the tool's name and description)
// decides how a string reaches a shell. In an exec-like tool the command
// arguments are commands (factor 1), and so is an argument named command,
// cmd or script in any tool (kubectl, redis and git tools run them); a
// program and its argument vector given apart ({"command": "nc", "args":
// [...]}) are joined into the command line they make. In
// other tools an ordinary value (a
// name, a host, a path) is checked for an injected command (factor 0.85
// when it is), and free text or file content (content, body, message,
// code, and strings of more than 3 lines or 1 KiB) is data that is written,
// not run (factor 0.5 for the always-suspicious patterns; nothing for
// ordinary code, SQL, Markdown or prose).
//
// # CommandInjection (command_injection)
//
// A small lenient shell tokenizer (shell.go; why not mvdan.cc/sh is said
// there) yields simple commands with the operator joining each, its
// redirections, substitutions and here-documents; wrappers (sudo, env,
// nohup, timeout, xargs, ...) and assignments are looked through and
// command names normalised (/usr/bin/python3.11 → python). Signals:
// reverse_shell 0.92 (/dev/tcp, gawk /inet/tcp, nc -e, socat exec:; nc,
// telnet or openssl s_client piped into a shell 0.88, mkfifo with a
// network pipe 0.88, socket+pty/dup2 code 0.85–0.9, PowerShell TCPClient);
// download_and_run 0.92 (curl|sh, wget -O-|bash, bash -c "$(curl …)",
// bash <(curl …), iwr|iex, IEX (New-Object Net.WebClient).DownloadString
// 0.9, a file fetched with -o/-O then run 0.85); decode_and_run 0.85 (base64 -d | sh, the echoed literal is decoded
// and analysed; FromBase64String+IEX 0.75); lolbin_download 0.7–0.85
// (certutil -urlcache, bitsadmin /transfer, mshta, regsvr32 /i:http,
// rundll32 javascript:); encoded_powershell 0.6 (-e/-ec/-enc/…/
// -EncodedCommand: base64 of UTF-16LE, decoded and analysed);
// powershell_evasion 0.35 (two of -nop, -w hidden, -ep bypass);
// exfil_substitution 0.7 (a network tool fed $(…): curl x/$(whoami),
// nslookup $(…).evil); pipe_to_interpreter 0.55; chained_network 0.45 (a
// network tool chained to other commands; in an exec tool, not when every
// URL it is given plainly names this machine: localhost, 127.0.0.1, [::1]);
// upload_file 0.5 (each tool's
// own upload options: curl -d @file, -F x=@file, --json @file, -T; wget
// --post-file; PowerShell -InFile; HTTPie x@file; not ssh -T, which only
// turns the terminal off); inline_interpreter 0.45 chained, 0.2 alone (sh -c,
// python -c, perl -e, node -e, php -r, ruby -e); interpreter_shell 0.35
// (inline code calling os.system/subprocess/exec); eval 0.4;
// network_tool 0.1. In a non-exec tool, shell_metachar 0.7 (0.55 for a
// command that is not a network tool, shell or interpreter) fires only when
// the value's head is at most three words and a chaining operator (; && ||
// | & newline) or a substitution ($(…), backticks) introduces a known
// command (from a list of common binaries) that has command-like
// arguments (a flag, a path, a URL, a file name, a redirection) or is a
// reconnaissance command run bare (id, whoami, uname, ...); Markdown
// tables never count; a value that opens with a quote to break out of the
// one a command line puts it in (a.jpg" ; wget …) is read inside those
// quotes too. substitution 0.45: any command substituted into a one-word
// value (https://auth.example/$(calc.exe)); the name must be shaped like a
// program (an encoded polyline's backticks are not). Embedded commands
// (embedded.go): a value whose head is not a command (a SQL COPY ... TO
// PROGRAM or xp_cmdshell string, a cron entry, sed's e command, a title
// closing its quote) is read again from each word naming a fetching,
// raw-network or shell program, and right after a quote up to the
// matching one; only reverse_shell, download_and_run, decode_and_run,
// lolbin_download and encoded_powershell count from it (factor 0.85 in
// values and one-line text). A command quoted in a document (a Markdown
// code fence, Markdown with ## headings and bold text or links, the body
// of a page, note, wiki article, comment, post, issue, ticket or message, a
// .md/.rst/.txt/.html file being written) is install instructions or
// evidence: factor 0.3 instead of 0.5. argument_injection 0.6:
// an option that runs commands or writes files smuggled in after a value
// (--upload-pack=…, -oProxyCommand=…, --checkpoint-action, -c core.…),
// 0.7 for git's ext:: transport. ifs_evasion 0.55 (${IFS} as a
// separator).
//
// # PrivilegedCommand (privileged_command)
//
// sudo/doas/pkexec 0.3 for a routine command (sudo apt-get install), 0.45
// for a root shell or interpreter (sudo -i, sudo bash), su 0.45, setuid (chmod u+s, 4755) 0.7,
// chmod_world_writable 0.4, chown_root 0.45, capabilities 0.6,
// admin_group (usermod -aG sudo/wheel/docker, net localgroup
// administrators /add) 0.75, uid0_user 0.8, root_password 0.6,
// sudoers_write 0.85 (visudo 0.6), sudoers_nopasswd 0.65, cron 0.15–0.85
// (cron.go: a crontab command is graded by the entries it installs, read
// from the echo/printf words and here-documents of the same line: local
// programs in the user's own crontab 0.15, @reboot of them 0.3, content
// not on the line 0.45, root's or another user's crontab 0.5, a network
// tool, inline interpreter code, a program in /tmp or a hidden file or a
// credential read 0.6, a download run, reverse shell or a crontab fetched
// 0.75, +0.1 at @reboot; writes into /etc/cron* and /var/spool/cron 0.6),
// service_enable 0.4, service_persistence 0.55, ld_preload 0.85,
// account_file_write 0.85, shell_profile 0.3, auth_config_write 0.7,
// mcp_config_write 0.6 (a server added to the client's MCP
// configuration), git_hook 0.45, Windows Startup folder 0.6,
// container_escape 0.5–0.75 (docker run --privileged, --cap-add ALL, -v
// /:/host, the Docker socket, --pid=host), nsenter 0.75, mount 0.45, chroot
// 0.5, kernel_module 0.6, sysctl 0.35, disable_security 0.6–0.75
// (setenforce 0, stopping firewalld/ufw/auditd/falco/Defender, iptables -F,
// Set-MpPreference -Disable…), ssh_authorized_keys 0.8, add_user 0.5,
// registry_persistence 0.6, scheduled_task 0.45–0.65, anti_forensics 0.45,
// account_file_perms 0.6 (chmod/chown of /etc/shadow, sudoers, passwd).
// Declared privilege (grants.go), in any string: k8s_admin_binding 0.8 (a
// rolebinding or --clusterrole to cluster-admin), container_escape 0.35–
// 0.85 in pod and compose specs (privileged, hostPID/IPC, hostNetwork,
// allowPrivilegeEscalation true; a hostPath of /, /etc, /var/run or the
// runtime socket 0.75; kubectl debug node/ 0.6), cloud_admin_grant 0.55–
// 0.75 (AdministratorAccess, IAMFullAccess, roles/owner, roles/editor,
// IAM admin roles, Allow of Action "*") in a granting tool or command, or
// in any tool whose call names a granting operation (use_aws with
// operation_name attach-user-policy), database_superuser_grant 0.7 (ALTER
// ROLE … SUPERUSER, GRANT rds_superuser/DBA TO, GRANT ALL ON *.*, SQL
// Server sysadmin or db_owner members, WITH GRANT/ADMIN OPTION),
// registry_persistence 0.6 for autorun keys (Run, RunOnce, Winlogon,
// Image File Execution Options, HKLM services) written by a write tool;
// and from the structured arguments admin_grant 0.6 (a permission, role
// or group whose name makes its members administrators — admin, owner,
// SUPER_ADMIN, Global Administrator, Domain Admins, break-glass, wheel —
// given by an add/invite/grant/assign tool on members, collaborators,
// users, roles or groups) and protection_disabled 0.45–0.55 (a branch
// protection or ruleset deleted, or updated with 0 reviews / admins
// exempt). Documents count half.
// Writes are read from redirections, tee, cp/mv/install/ln, dd of= and
// sed -i, and from the path arguments of write tools (factor 0.9).
//
// # Destructive (destructive)
//
// rm_recursive_root 0.8–0.95 (rm -r[f] on /, ~, *, ., $HOME, system
// directories, --no-preserve-root), rm_repository 0.45, rm_system_data
// 0.55, format_disk 0.7–0.9 (mkfs, wipefs, format C:), overwrite_disk 0.9
// (dd of=/dev/sdX, > /dev/sdX), shred 0.55 (0.9 on a device),
// find_delete 0.3–0.7, permissions_wipe 0.6, fork_bomb 0.85,
// force_push 0.65 to main/master/production (0.3 elsewhere, --mirror 0.5),
// history_rewrite 0.35, branch_delete 0.4, kubectl_delete_namespace 0.75,
// kubectl_delete_all 0.7, infrastructure_destroy 0.75–0.85 (terraform,
// pulumi, cdk destroy), cloud_delete 0.6–0.8 (aws s3 rb --force, gcloud
// projects delete, az group delete, ...), backup_deletion 0.9 (vssadmin
// delete shadows, wbadmin, bcdedit recoveryenabled no), container_data_delete
// 0.4, database_flush 0.65 (FLUSHALL), and SQL: sql_drop 0.7–0.8,
// sql_truncate 0.65, sql_delete_all 0.65 (DELETE without WHERE),
// sql_update_all 0.4, sql_alter_drop 0.35, sql_reset 0.3 (DROP … IF EXISTS
// of an object the same batch creates again). SQL counts when the tool or key
// says SQL, or when the keyword is in capitals; a migration written by a
// file tool counts 0.4 of that, prose ("delete from my calendar") never.
// From structured arguments: force_push_protected 0.7, database_drop 0.7,
// bulk_delete_flag 0.5, sync_delete 0.35–0.6, http_delete_wildcard 0.7,
// bulk_delete_scope 0.6 (a delete-objects tool given a bucket, container or
// table and no key, id, path or filter, or an empty prefix; 0.45 for a
// prefix) and versioning_suspended 0.45 (a bucket's versioning turned off,
// the step before deleting its history).
//
// # SSRF (ssrf)
//
// URLs are found anywhere in a string (a curl command, JSON text); hosts
// without a scheme in host-like keys, host:port or host/path tokens, and
// bare addresses in commands. Hosts are canonicalised: percent-decoding,
// NFKC, ideographic dots, IPv6 zones; IPv4 in every inet_aton spelling
// (2852039166, 0xa9fea9fe, 0251.0376.0251.0376, 169.254.43518, 127.1,
// 0), IPv6 with embedded IPv4 (::ffff:…, ::a.b.c.d, NAT64, 6to4); the
// address inside wildcard DNS names (127.0.0.1.nip.io, 10-0-0-1.sslip.io,
// 7f000001.nip.io; localtest.me and lvh.me are loopback). Userinfo tricks
// are read both ways (RFC 3986 and a naive last-@ parser). Signals:
// metadata 0.85 (169.254.169.254, fd00:ec2::254, 169.254.170.2,
// 100.100.100.200, metadata.google.internal, ...), credential_path 0.8
// on such a host (/latest/meta-data/iam, /computeMetadata/v1/…/token,
// /metadata/identity/oauth2/token; 0.45 on any host), loopback 0.4,
// private 0.4, link_local 0.5, shared (100.64/10) 0.3, rebinding 0.45,
// obfuscated_host 0.35 (an internal address not written canonically),
// userinfo_confusion 0.4, internal_admin_path 0.3, metadata_header 0.5,
// and schemes: gopher 0.8, dict 0.75, file 0.7 (0.35 outside fetch tools
// and URL keys), tftp 0.7, netdoc 0.7, jar 0.6, ldap 0.6, jndi 0.85, php
// and phar 0.7, expect 0.8, smb 0.55. So http://localhost:3000 is medium
// (0.4), http://169.254.169.254/latest/meta-data/iam/... critical. In the
// text of a tool that neither runs nor fetches it (an issue body, a file's
// content) a link is not a request target: only metadata addresses count,
// and schemes at half weight (jndi: in full, loggers evaluate it). A bare
// loopback or private address in a command line without a URL (ssh
// deploy@10.0.0.5) is internal_host 0.2.
//
// # Traversal (traversal)
//
// Any string that is a path, holds a path, or holds "..": decoded first
// (percent-encoding up to three rounds, overlong UTF-8 %c0%ae %c0%af
// %c1%9c, %u escapes, look-alike slashes, NFKC), then resolved. dotdot:
// a relative path climbing 1 level 0.45, 2–3 levels 0.6, 4+ 0.7; an
// absolute path or URL path climbing above its root 0.6; an absolute path
// that lands in a system directory it did not start in 0.55. A path that
// stays inside (a/b/../c), or a relative one that stays inside a root
// once resolved against it (../app/x from /data/app), is benign. In text
// fields (content, body, message) only whole-string paths count. encoded
// 0.55, filter_evasion 0.6 (....// that a one-pass "../" filter turns into
// ../), double_encoded 0.7,
// overlong_encoding 0.7, nul_byte 0.6 (raw, %00, %2500), outside_root
// 0.55 (0.65 in a system directory) for absolute paths outside
// Context.Roots, compared by whole segments (CVE-2025-53110: /data/app-x is
// outside /data/app), proc_root 0.6 (/proc/self/root, cwd, fd), unc_path
// and device_path 0.5 (not Bazel target patterns and labels such as
// //services/api/... and //pkg:target). The span shows the path and its
// resolution.
//
// # SensitivePath (sensitive_path)
//
// SensitiveFile's catalogue (SSH keys 0.8, ~/.ssh/config, known_hosts
// and authorized_keys 0.3, cloud credentials 0.5–0.8, /etc/shadow 0.85,
// .env 0.65 but not .env.example, MCP client configs 0.6,
// browser credential stores 0.7, ...). Factor 1 for path arguments,
// commands that read the file (whatever their field is called) and
// whole-string paths, 0.75 for other values, 0.35 for text in data fields
// and write tools (a README naming .env is not a read) and for commands
// that only use or manage the file (ssh -i, chmod 600, ssh-keygen -f), 0.3
// for the target path of a tool that writes a file from the call's own
// content (write_file, create_file, save, append; not copy, move, upload,
// archive or edit, which read one). A tool whose name says it uses the
// kind of file as input (terraform_plan with a .tfvars or state file,
// kubectl or Helm with a kubeconfig, ssh or scp with an identity, docker
// with its config) scales it by 0.4 more. In
// command lines also: credential_command 0.4–0.9 (gh auth token, gcloud
// auth print-access-token, security find-generic-password, kubectl get
// secret -o yaml, aws configure get, git credential fill, reg save
// hklm\sam, mimikatz, ...), environment_dump 0.45–0.5 (env, printenv, set,
// export -p, Get-ChildItem Env:, print(os.environ)), secret_env_var 0.55
// ($AWS_SECRET_ACCESS_KEY, %GITHUB_TOKEN%, $env:OPENAI_API_KEY).
//
// # Listing (listing)
//
// In listing tools (list, ls, tree, glob, find, search, grep, ...) and
// listing commands (ls, find, tree, dir, Get-ChildItem, grep -r, rg):
// sensitive_dir 0.35–0.75 (/ 0.5, /etc 0.5, /root 0.65, ~/.ssh 0.75,
// ~/.aws 0.7, /var/run/secrets 0.75, C:\Windows\System32 0.5, /proc 0.5,
// .git 0.4, AI clients' configuration directories 0.5–0.65 (Claude,
// Cursor, Codeium, Continue, gh, Copilot), /var/lib/docker/volumes 0.65,
// and any directory the credential-file catalogue names at 0.6 or more,
// ...); homes are recognised under /home, /Users, C:\Users, /var/home,
// WSL's /mnt/<drive>/Users and through %APPDATA%, %LOCALAPPDATA% and
// $XDG_CONFIG_HOME; home_dir 0.45 (another user's home outside the
// roots; 0.25 when no roots are known, ~ itself 0.25), sensitive_glob 0.6 (0.2 for a
// dotenv glob searched in one project directory, not ~ or a system one)
// (**/*.pem, **/.env*, *secret*, and any glob whose last element matches a
// credential file name and no ordinary one: id_*, .*rc; +0.1 for **),
// sensitive_search 0.6 (find -name id_rsa). ls -l or stat of a file the
// same command line creates or changes (chmod 600 k && ls -l k) is not a
// listing, nor is a pattern in an exclude, ignore, skip or omit argument
// (excludePatterns: [".git"]).
//
// # Secrets (secrets)
//
// internal/secrets.Redactor.Find: clear secrets and the collector's
// [REDACTED:kind] markers count alike. Base weights per kind (private
// keys, cloud and payment keys 0.8–0.85; Git hosting, registry, chat and AI
// tokens 0.6–0.75; JWT 0.5; URL passwords 0.55; secret assignments 0.45;
// JSON members named like secrets 0.4), +0.1 when verified (GitHub
// checksum, JWT header, Discord id). A secret in a field named for it
// counts 0.45 of that, 0.35 when the tool is an authentication tool; one
// in an unrelated named field (a message, URL, query, city) adds
// unexpected_field 0.3. named_credential 0.18 (0.14 for authentication
// tools): a random-looking value no format knows, in a field named for a
// credential. foreign_destination 0.6 (vendor.go): a credential whose
// service is known from its format (OpenAI, Hugging Face, GitHub, Stripe,
// Shopify, ...) or from the field naming it (DD-API-KEY, X-Shopify-...)
// sent to a host outside that service's domains, or any credential sent to
// a host that borrows a service's name without being under its domains;
// on a call that names no host, a credential of a known format in a field
// named for a credential of a tool whose name and description never name
// its service (a translation tool's repo_token filled with a ghp_ token),
// unless the tool writes files, signs in or stores secrets.
// The other way round, a credential of a known service presented only to
// that service's hosts (in a credential-named field or header, or in the
// query string of the request's URL: a Google API key on a Maps Static
// request) gives no secret finding on its field; in a body or message it
// still does (a token posted to a gist is carried away, not presented).
// A webhook URL that is the request's own target (the url of
// post_webhook) is expected; values that spell EXAMPLE, xxxxxxxx or
// your_ are documentation placeholders and do not count.
//
// # Covert (covert)
//
// Encoded blobs (asBlob: base64 of 24+ characters with enough entropy,
// hex of 32+, base32 of 32+, all decode-checked): url_blob 0.45 in query
// values and fragments, 0.4 in path segments, +0.15 when the blob decodes
// to text (data being carried, where ids decode to random bytes), +0.1
// from 64 and +0.2 from 200 characters, at most 0.75; binary blobs under
// 48 characters (playlist, document and request ids) and hex of up to 64
// (digests, commit ids) are left alone, and base64 of JSON (application
// view state) weighs 0.2. dns_label 0.6–0.7 (labels of 20+
// letters and digits, a fifth digits, below the registered domain, in URLs
// and in bare host names), oversized_field 0.6 (a blob of 40+ in a field
// that should be short: city, name, query, ...), encoded_blob 0.45 (48+
// decoding to text), 0.35 (64+ binary), 0.5 (256+), embedded_blob 0.35
// (100+ inside text), entropy_outlier 0.35 (one random value among
// plain-text siblings), encoded_secret 0.85 (a blob of 32+ anywhere,
// upload fields included, whose decoding holds a secret or sensitive file
// content), encoded_text 0.55 (0.4 in text fields, +0.1 when the text
// carries a URL, an address, a list or several lines; encoded.go): a token
// of hex, base32 in either case, base64 or Ascii85 — a whole value, a
// file-name stem, a branch-name piece, a word appended to a search query,
// a URL piece — that decodes to ten or more bytes of readable text (ids,
// digests and signatures decode to random bytes), not JSON and not a typed
// id ("User:1842"); in id, cursor, hash and secret fields only 24 bytes or
// more with structure count, in upload fields nothing; dns_label also when
// the labels below the registered domain, joined, decode to text (0.7);
// data_uri 0.3–0.55 (scriptable types highest; 0.2 in a page a local
// write tool saves; 0.5 for text under a media type),
// encoded_file 0.15, tag_characters 0.7, variation_selectors 0.65 (runs,
// not one after an emoji), zero_width 0.6 (runs of 3+, not a ZWJ in an
// emoji or a ZWNJ in Persian, or 8+ scattered; a ZWSP next to Thai, CJK,
// Khmer, Lao or Myanmar letters is a line-break hint), whitespace 0.5 (a 12+ run alternating
// space and tab 4+ times, trailing white space alternating twice on 3+
// lines, mixed Unicode spaces; indentation alternates once). Benign by
// construction: blobs in upload fields (data, content, image, file, ...),
// digests and ids in fields named so (hash, sha, checksum, commit, id,
// token, cursor, state, signature, ...), UUIDs, presigned-URL parameters,
// and anything the secrets analyser already claims.
package argument
