package argument

import (
	"regexp"
	"strings"
)

// Privilege given through declarations and APIs rather than a shell:
// Kubernetes bindings to cluster-admin and pod specs that break out of
// the container (privileged, hostPID, the host's / or Docker socket
// mounted), cloud IAM grants of administrator policies and owner roles,
// repository and organisation admin grants, branch protections switched
// off, and Windows autorun registry keys set through a registry tool.
// These read any string argument (a manifest, a command line, a policy
// document) and the call's structured arguments.

// podSpecRe finds the pod and compose settings that give a container
// the host: privileged, hostPID, hostIPC, hostNetwork,
// allowPrivilegeEscalation set true, in YAML or JSON.
var podSpecRe = regexp.MustCompile(`(?i)["']?\b(privileged|hostpid|hostipc|hostnetwork|allowprivilegeescalation)["']?\s*[:=]\s*["']?true\b`)

// hostPathRootRe finds a hostPath volume of the host's root, /etc,
// /root, /var/run or the Docker socket, and compose-style "/:/x" mounts.
var hostPathRootRe = regexp.MustCompile(`(?i)hostpath["']?\s*:\s*\{?\s*["']?path["']?\s*:\s*["']?(/|/etc|/root|/var/run|/run|/proc|/var/lib/kubelet)["']?\s*[,}\r\n]|hostpath["']?\s*:\s*\{?\s*["']?path["']?\s*:\s*["']?(/|/etc|/root|/var/run|/proc)["']?\s*$|-\s+["']?/:/[a-z]|/var/run/docker\.sock|/run/containerd/containerd\.sock`)

// grantGate are the words one of which a string must hold for the
// privilege-grant checks to read it.
var grantGate = newAnchorSet("cluster-admin", "clusterrolebinding", "rolebinding", "privileged", "hostpid", "hostipc", "hostnetwork",
	"hostpath", "docker.sock", "containerd.sock", "allowprivilegeescalation", "administratoraccess", "iamfullaccess", "poweruseraccess",
	"roles/owner", "roles/editor", "roles/iam.", "roles/resourcemanager.", "\"action\"", "action:", `\run`, "winlogon",
	"image file execution options", `\services\`, "superuser", "sysadmin", "grant option", "admin option", "sp_addsrvrolemember",
	"to dba", "db_owner", "*.*", "role assignment create", "new-azroleassignment")

// sqlGrantRe finds SQL that makes a role a superuser or database owner:
// PostgreSQL ALTER/CREATE ROLE … SUPERUSER and grants of rds_superuser,
// cloudsqlsuperuser or azure_pg_admin; MySQL GRANT ALL / SUPER ON *.*;
// SQL Server sysadmin and db_owner memberships; Oracle GRANT DBA;
// WITH GRANT/ADMIN OPTION.
var sqlGrantRe = regexp.MustCompile(`(?is)\b(alter|create)\s+(role|user)\b[^;]{0,120}?\bsuperuser\b|` +
	`\bgrant\s+(rds_superuser|cloudsqlsuperuser|azure_pg_admin|dba|sysadmin|db_owner)\s+to\b|` +
	`\bgrant\s+(all(\s+privileges)?|super)\s+on\s+\*\.\*|` +
	`\balter\s+(server\s+)?role\s+(sysadmin|db_owner)\s+add\s+member\b|sp_addsrvrolemember\b[^;]{0,80}sysadmin|` +
	`\bwith\s+(grant|admin)\s+option\b`)

// adminPolicies are managed policies and predefined roles that give
// administrative control of a cloud account or project, with weights.
var adminPolicies = []struct {
	needle string
	weight float64
}{
	{"policy/administratoraccess", 0.75}, {"policy/iamfullaccess", 0.7}, {"policy/poweruseraccess", 0.55},
	{"roles/owner", 0.75}, {"roles/editor", 0.55}, {"roles/iam.securityadmin", 0.7}, {"roles/iam.serviceaccounttokencreator", 0.65},
	{"roles/iam.serviceaccountkeyadmin", 0.65}, {"roles/resourcemanager.projectiamadmin", 0.7}, {"roles/resourcemanager.organizationadmin", 0.75},
}

// azureRoleRe finds the role of an Azure role assignment (lower case):
// --role, -RoleDefinitionName.
var azureRoleRe = regexp.MustCompile(`(?:--role|-roledefinitionname)\s+("[^"]+"|'[^']+'|\S+)`)

// wildcardPolicyRe finds an IAM statement that allows every action.
var wildcardPolicyRe = regexp.MustCompile(`(?is)"?effect"?\s*:\s*"?allow"?.{0,120}"?action"?\s*:\s*\[?\s*"\*"|"?action"?\s*:\s*\[?\s*"\*".{0,120}"?effect"?\s*:\s*"?allow`)

// grantText reads one string for declared privilege: bindings to
// cluster-admin, host-breaking pod specs, admin policies and roles
// granted, and autorun registry keys set.
func (a *analysis) grantText(it *item, f float64) {
	if it.isKey || len(it.s) < 5 || len(it.s) > MaxStringBytes {
		return
	}
	l := it.lower()
	if grantGate.scan(l).none() {
		return
	}
	sp := lazy(func() string { return a.spanAll(it.s) })
	add := func(sig string, w float64) { a.priv.add("privileged."+sig, it.field, sp(), w*f) }
	if strings.Contains(l, "cluster-admin") && (strings.Contains(l, "rolebinding") || strings.Contains(l, "--clusterrole")) {
		add("k8s_admin_binding", 0.8)
	}
	if m := podSpecRe.FindAllStringSubmatch(l, 8); len(m) > 0 {
		w := 0.0
		kinds := map[string]bool{}
		for _, x := range m {
			kinds[x[1]] = true
			switch x[1] {
			case "privileged":
				w = max(w, 0.7)
			case "hostpid", "hostipc":
				w = max(w, 0.6)
			case "allowprivilegeescalation":
				w = max(w, 0.4)
			case "hostnetwork":
				w = max(w, 0.35)
			}
		}
		if len(kinds) >= 2 {
			w = min(0.85, w+0.1)
		}
		add("container_escape", w)
	}
	if hostPathRootRe.MatchString(l) && containsAny(l, "volume", "hostpath", "mount", "image") {
		add("container_escape", 0.75)
	}
	if sqlGrantRe.MatchString(l) {
		add("database_superuser_grant", 0.7)
	}
	granting := a.grantTool() || a.grantingCall
	if granting {
		for _, p := range adminPolicies {
			if strings.Contains(l, p.needle) {
				add("cloud_admin_grant", p.weight)
			}
		}
		if wildcardPolicyRe.MatchString(l) {
			add("cloud_admin_grant", 0.7)
		}
	}
	if strings.Contains(l, "role assignment create") || strings.Contains(l, "new-azroleassignment") {
		// Azure RBAC: az role assignment create --role Owner,
		// New-AzRoleAssignment -RoleDefinitionName "User Access Administrator"
		if m := azureRoleRe.FindStringSubmatch(l); m != nil {
			switch role := strings.Trim(m[1], `"'`); {
			case adminRole(role) || role == "user access administrator" || role == "role based access control administrator":
				add("cloud_admin_grant", 0.75)
			case role == "contributor":
				add("cloud_admin_grant", 0.55)
			}
		}
	}
	if a.tool.write || strings.Contains(l, "reg add") || strings.Contains(l, "new-itemproperty") || strings.Contains(l, "set-itemproperty") {
		ls := strings.ReplaceAll(l, "/", `\`)
		if containsAny(ls, `\currentversion\run`, `\currentversion\policies\explorer\run`, `\winlogon`, "image file execution options") ||
			strings.Contains(ls, `\currentcontrolset\services\`) && containsAny(ls, "hklm", "hkey_local_machine") {
			add("registry_persistence", 0.6)
		}
	}
}

// grantingOperation reports text naming an IAM operation that grants
// (attach-user-policy, add-iam-policy-binding, role assignment create):
// the CLI or API operation a generic cloud tool (use_aws, call_api) is
// told to run.
func grantingOperation(l string) bool {
	return containsAny(l, "attach-", "attachuserpolicy", "attachrolepolicy", "attachgrouppolicy", "put-user-policy", "put-role-policy",
		"putuserpolicy", "putrolepolicy", "add-iam-policy-binding", "set-iam-policy", "setiampolicy", "role assignment create",
		"roleassignments", "create-policy", "bindings")
}

// grantTool reports a tool whose name grants, binds, attaches or assigns
// something (attach_user_policy, add_iam_binding, set_iam_policy,
// create_role_assignment).
func (a *analysis) grantTool() bool {
	w := a.toolWords
	return hasWord(w, "attach", "grant", "bind", "binding", "bindings", "assign", "assignment", "add", "set", "put", "create", "update", "apply")
}

// adminValues are permission and role values that make someone an
// administrator.
var adminValues = set("admin", "administrator", "owner", "owners", "superuser", "root", "cluster-admin", "organization_owner",
	"org_owner", "account_admin", "accountadmin", "securityadmin", "sysadmin", "global administrator", "user access administrator")

// adminWords are the words of role and group names that make their
// members administrators: Okta's SUPER_ADMIN and ORG_ADMIN, Entra ID's
// Global Administrator and Privileged Role Administrator, "Domain
// Admins", break-glass and emergency-access groups, wheel and sudo.
var adminWords = set("admin", "admins", "administrator", "administrators", "superadmin", "superuser", "superusers", "owner", "owners",
	"root", "wheel", "sudo", "sudoers", "breakglass", "sysadmin", "sysadmins")

// adminRole reports a role or group name whose words (split at _, -, .,
// spaces and case changes; "break-glass" joined) make its members
// administrators: adminValues, or any of adminWords.
func adminRole(s string) bool {
	l := strings.ToLower(strings.TrimSpace(s))
	if adminValues[l] {
		return true
	}
	if len(s) > 96 {
		return false
	}
	words := nameWords(s)
	for i, w := range words {
		if adminWords[w] || w == "break" && i+1 < len(words) && words[i+1] == "glass" {
			return true
		}
	}
	return false
}

// grantObject reads a call's structured arguments: a grant of an admin
// permission or role to someone (add_collaborator permission=admin,
// add_member role=owner), and a branch protection or ruleset removed or
// emptied (required reviews 0, admins exempt).
func (a *analysis) grantObject(args map[string]any) {
	if len(args) == 0 {
		return
	}
	w := a.toolWords
	grantVerb := hasWord(w, "add", "invite", "grant", "set", "update", "assign", "create", "change", "edit", "put", "promote", "make")
	memberObj := hasWord(w, "collaborator", "collaborators", "member", "members", "user", "users", "permission", "permissions", "role",
		"roles", "access", "team", "membership", "owner", "admin", "invitation", "invite", "principal")
	groupObj := hasWord(w, "group", "groups", "role", "roles")
	if grantVerb && (memberObj || groupObj) {
		for k, v := range args {
			s, ok := v.(string)
			lk := strings.ToLower(k)
			if !ok || !containsAny(lk, "permission", "role", "access", "level", "privilege", "group") && !(hasWord(w, "role", "roles") && (lk == "type" || lk == "name" || lk == "id")) {
				// (assign_user_role type=SUPER_ADMIN: the tool names the role)
				continue
			}
			if adminRole(s) {
				a.priv.add("privileged.admin_grant", fieldPath("arguments", k), a.spanAll(s), 0.6)
			}
		}
	}
	if hasWord(w, "protection", "protections", "ruleset", "rulesets", "protect", "protected") {
		switch {
		case hasWord(w, "delete", "remove", "disable", "unprotect", "drop"):
			a.priv.add("privileged.protection_disabled", "arguments", a.safe(a.ctx.ToolName), 0.5)
		default:
			weak := 0
			for k, v := range args {
				lk := strings.ToLower(k)
				switch x := v.(type) {
				case float64:
					if x == 0 && containsAny(lk, "review", "approv", "check") {
						weak++
					}
				case bool:
					if !x && containsAny(lk, "enforce", "require", "admin", "dismiss", "strict") {
						weak++
					}
				}
			}
			if weak > 0 {
				a.priv.add("privileged.protection_disabled", "arguments", a.safe(a.ctx.ToolName), min(0.35+0.1*float64(weak), 0.55))
			}
		}
	}
}
