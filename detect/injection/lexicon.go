package injection

import "strings"

// role is a bit set of the parts a word can play in an instruction. The
// analyser never matches whole phrases: it looks for roles combined within
// a sentence (an obligation, an action, its object, a negation, an
// addressee), so other wordings of the same instruction are found too.
type role uint32

const (
	rAddr     role = 1 << iota // the model addressed: you, assistant, AI, model, agent
	rOblig                     // obligation: must, should, need, required, always, never
	rOrder                     // ordering: before, first, after, instead, whenever, prior
	rRead                      // read/collect verbs
	rSend                      // send/upload verbs (outbound)
	rInclude                   // include/pass/put/append verbs (into a parameter or output)
	rCall                      // call/use/run verbs
	rDisclose                  // tell/mention/show/reveal verbs
	rPerceive                  // know/see/notice (the user must not know)
	rNeg                       // negation: not, never, without, avoid
	rUser                      // the person: user, human, customer
	rStealth                   // silently, secretly, covertly
	rConceal                   // hide, conceal, secret, hidden, confidential (weak, needs the user)
	rConv                      // conversation, transcript, chat history, system prompt
	rCred                      // credentials, passwords, secrets, API keys, tokens, env vars
	rAuth                      // authority/urgency framing: system, critical, notice, compliance
	rIgnore                    // ignore/disregard/forget/override
	rPrev                      // previous/prior/above/all/original
	rInstr                     // instructions/rules/guidelines/prompts
	rDeprec                    // deprecated/disabled/obsolete/replaced
	rInstead                   // instead/rather/in favor of
	rPref                      // better/newer/official/verified/preferred
	rParam                     // parameter/argument/field
	rError                     // error/failed/exception/denied
	rAll                       // all/every/entire/full/complete/whole/verbatim
	rTraffic                   // requests/calls/queries/traffic
	rThrough                   // through/via/to
	rTool                      // tool/function/server/plugin
	rConsent                   // permission/consent/approval/confirmation
	rNew                       // new/updated/real/true/actual
	rThis                      // this/it/that/these (what is to be concealed)
)

const actionRoles = rRead | rSend | rInclude | rCall

// lexicon maps a folded word (lower case, accents removed, as canon.Fold
// gives it) to its roles. English forms are listed in their base form (see
// stem); Spanish, German, French and Chinese forms are listed as written.
var lexicon = map[string]role{}

func addWords(r role, words string) {
	for _, w := range strings.Fields(words) {
		lexicon[w] |= r
	}
}

func init() {
	addWords(rAddr, `you your yourself assistant assistants ai model llm agent claude chatgpt gpt copilot gemini bot
		tu usted ustedes asistente modelo agente
		du dein deine dich dir ihr assistent assistenten modell
		vous votre vos toi ton ta assistante modele`)
	addWords(rOblig, `must should shall need needs required require requires mandatory obligatory always never ensure
		remember essential necessary imperative obliged
		debes debe deberas deben tienes obligatorio siempre nunca asegurate necesitas
		musst muss mussen sollst solltest sollen immer stets niemals unbedingt pflicht notwendig
		dois doit devez faut toujours jamais obligatoire assurez assure necessaire`)
	addWords(rOrder, `before first after afterwards instead always whenever prior beforehand next immediately automatically
		antes primero despues siempre inmediatamente
		bevor zuerst vorher danach immer sofort anschliessend
		avant abord apres ensuite toujours immediatement`)
	addWords(rRead, `read open cat load fetch get retrieve access collect gather extract dump grab obtain scan list print copy view
		lee leer lea obten obtener recopila busca buscar abre abrir consulta consultar lies lese lesen hole sammle lire lis lisez recupere recuperez collecte ouvre ouvrez consulte consultez obtiens obtenez`)
	addWords(rSend, `send upload post transmit forward exfiltrate email mail leak beam deliver share sync push submit report transfer export
		envia enviar envie manda mandar sube subir reenvia reenviar comparte compartir sende senden schicke schicken ubermittle ubertrage hochladen leite weiterleiten
		envoie envoyer envoyez transmets transmettez partage partagez partager transfere transferez transferer`)
	addWords(rInclude, `include pass put copy dump repeat echo output reproduce quote restate print insert add append attach embed paste provide supply fill populate place prepend store save write fold substitute
		incluye incluir incluya pon agrega anade adjunta rellena rellenar llena llenar pega pegar copia copiar
		fuge fugen einfugen hange anhangen ubergib gib ubergeben ubermitteln geben fulle fullen kopiere kopieren trage eintragen enthalten mitgeben mitsenden beifugen
		inclure incluez inclus mets mettez ajoute ajoutez joins remplir remplis remplissez colle collez copie copiez insere inserez recopie recopier recopiee copiee incluse`)
	addWords(rCall, `call invoke use run execute trigger launch exec utilize switch choose pick favor favour
		usa usar utiliza utilizar llama llamar ejecuta ejecutar
		verwende verwenden benutze benutzen nutze rufe aufrufen fuhre ausfuhren
		utilise utiliser utilisez appelle appeler appelez execute executer executez`)
	addWords(rDisclose, `tell mention bring show reveal disclose inform notify alert display explain say expose acknowledge warn ask confirm let divulge report bother summarize summarise narrate flag surface
		digas decir digale menciones mencionar comenta comentar comentes muestres mostrar reveles revelar informes informar avises avisar cuentes
		sag sage sagen erwahne erwahnen informiert benachrichtigt erwahnt zeige zeigen verrate verraten informiere informieren mitteilen teile benachrichtige erklare erklaren erklart
		dis dites dire mentionne mentionnez mentionner montre montrez montrer revele revelez reveler informe informez informer previens prevenez signale signalez signaler parle parlez parler`)
	addWords(rPerceive, `know see notice find learn realize realise aware discover suspect hear
		sepa sepan sabe saber vea note entere
		weiss wissen merkt merken sieht sehen erfahrt erfahren bemerkt
		sache sachent sait voie remarque apprenne`)
	addWords(rNeg, `not never without avoid refrain nor cannot no don't dont doesn't mustn't shouldn't won't
		nunca sin jamas ni
		nicht nie niemals kein keine keinen ohne
		ne pas jamais sans n'`)
	addWords(rUser, `user users human humans person customer customers operator owner requester anyone anybody reader readers recruiter reviewer
		usuario usuaria usuarios persona cliente
		benutzer benutzerin nutzer nutzerin anwender anwenderin kunde
		utilisateur utilisatrice utilisateurs personne`)
	addWords(rStealth, `silently quietly secretly covertly discreetly stealthily unnoticed invisibly surreptitiously
		silenciosamente secretamente discretamente sigilosamente
		heimlich stillschweigend unbemerkt insgeheim lautlos
		silencieusement secretement discretement`)
	addWords(rConceal, `hide hidden conceal secret confidential private invisible
		oculta ocultar oculto secreto esconde
		verberge verbergen verborgen geheim verschweige verschweigen
		cache cacher cachee secret secrete`)
	addWords(rConv, `conversation conversations transcript transcripts dialogue chat chats history
		conversacion historial mensajes
		unterhaltung gesprach gesprache chatverlauf gesprachsverlauf verlauf nachrichten
		historique`)
	addWords(rCred, `credential credentials password passwords passwd passphrase secret secrets apikey api_key api_keys apikeys
		token tokens cookie cookies mnemonic seed ssh id_rsa private_key privatekey access_key secret_key env environ dotenv
		bearer oauth_token access_token refresh_token session_token auth_token ssh_key keyfile keychain wallet
		contrasena clave claves credenciales
		passwort passworter kennwort zugangsdaten schlussel
		mot motdepasse identifiants cle cles`)
	addWords(rAuth, `system critical urgent notice alert warning attention priority mandatory compliance security admin administrator
		policy official authorized directive emergency override sysadmin
		sistema urgente aviso seguridad obligatorio
		wichtig dringend hinweis sicherheit systemhinweis
		systeme avertissement securite`)
	addWords(rIgnore, `ignore disregard forget override bypass skip discard abandon neglect
		ignora ignorar ignore olvida olvidar omite omitir descarta
		ignoriere ignorieren vergiss vergessen missachte missachten uberschreibe
		ignorez ignorer oublie oubliez oublier neglige negligez`)
	addWords(rPrev, `previous prior above earlier preceding original initial existing old all any other your system developer safety past last recent
		anteriores anterior previas previos todas todos
		vorherigen vorherige bisherigen alle obigen fruheren vorigen
		precedentes precedente anterieures anterieurs toutes tous`)
	addWords(rInstr, `instruction instructions rules rule guidelines guideline guidance directions directives constraints guardrails policies task tasks
		restrictions orders commands prompt prompts programming training
		instrucciones instruccion reglas indicaciones directrices
		anweisungen anweisung regeln vorgaben instruktionen richtlinien befehle
		consignes regles directives`)
	addWords(rDeprec, `deprecated obsolete disabled discontinued replaced superseded retired legacy broken outdated sunset sunsetted
		defunct unsupported decommissioned
		obsoleto obsoleta desactivado reemplazado
		veraltet deaktiviert ersetzt abgekundigt
		obsolete desactive remplace deprecie`)
	addWords(rInstead, `instead rather favor favour replacement successor
		lugar vez stattdessen anstelle plutot place`)
	addWords(rPref, `prefer preferred better best newer improved enhanced upgraded official verified trusted faster safer superior recommended latest authoritative
		mejor oficial verificado besser offiziell verifiziert meilleur officiel verifie`)
	addWords(rParam, `parameter parameters param params argument arguments arg args field fields property input body payload headers metadata`)
	addWords(rError, `error errors failed failure fail exception denied unauthorized forbidden invalid timeout unable
		fehler erreur`)
	addWords(rAll, `all every entire full complete whole verbatim everything
		todo toda todos completo entera gesamte ganze vollstandig tout toute entier complet`)
	addWords(rTraffic, `requests request calls queries query traffic operations commands actions messages data emails mails files documents results result outputs responses`)
	addWords(rThrough, `through via thru`)
	addWords(rTool, `tool tools function functions server servers plugin plugins endpoint`)
	addWords(rConsent, `permission consent approval confirmation confirming asking knowledge`)
	addWords(rNew, `new updated revised real true actual genuine`)
	addWords(rThis, `this it that these those anything instruction instructions step steps`)
}

// hanLexicon holds Chinese words, and the Japanese ones lexicon_i18n.go
// adds (greedy longest match inside Han and kana runs).
var hanLexicon = map[string]role{
	"忽略": rIgnore, "无视": rIgnore, "忘记": rIgnore, "忽视": rIgnore, "不理会": rIgnore, "覆盖": rIgnore,
	"之前": rPrev, "以前": rPrev, "先前": rPrev, "上面": rPrev, "所有": rPrev | rAll, "原来": rPrev, "原有": rPrev,
	"指令": rInstr, "指示": rInstr, "规则": rInstr, "说明": rInstr, "提示": rInstr, "设定": rInstr,
	"不要": rNeg, "别": rNeg, "不得": rNeg, "切勿": rNeg, "勿": rNeg, "不可": rNeg, "禁止": rNeg, "不能": rNeg,
	"告诉": rDisclose, "提及": rDisclose, "提到": rDisclose, "透露": rDisclose, "显示": rDisclose, "告知": rDisclose, "通知": rDisclose, "说": rDisclose,
	"知道": rPerceive, "发现": rPerceive,
	"用户": rUser, "使用者": rUser, "人类": rUser,
	"悄悄": rStealth, "偷偷": rStealth, "暗中": rStealth, "秘密地": rStealth, "默默": rStealth,
	"保密": rConceal, "隐藏": rConceal, "秘密": rConceal,
	"你": rAddr, "您": rAddr, "助手": rAddr, "模型": rAddr,
	"必须": rOblig, "务必": rOblig, "总是": rOblig, "始终": rOblig, "一定": rOblig, "应该": rOblig,
	"首先": rOrder, "之后": rOrder, "先": rOrder,
	"读取": rRead, "获取": rRead, "收集": rRead,
	"发送": rSend, "上传": rSend, "传送": rSend,
	"包含": rInclude, "附加": rInclude, "放入": rInclude, "填入": rInclude,
	"调用": rCall, "执行": rCall, "运行": rCall,
	"密钥": rCred, "密码": rCred, "令牌": rCred, "凭据": rCred, "凭证": rCred,
	"对话": rConv, "聊天记录": rConv, "历史记录": rConv, "系统提示": rConv,
	"系统": rAuth, "紧急": rAuth, "重要": rAuth, "安全": rAuth,
	"新的": rNew, "参数": rParam, "错误": rError,
	"这个": rThis, "此": rThis, "这些": rThis, "任何": rAll,
	// more of the same roles, including the Taiwanese usage that
	// canon.Simplified leaves after converting the characters
	"寄送": rSend, "寄给": rSend, "转发": rSend, "发给": rSend, "发往": rSend, "外发": rSend, "转交": rSend, "回传": rSend,
	"助理": rAddr, "智能助手": rAddr, "智能体": rAddr,
	"知会": rDisclose, "披露": rDisclose, "汇报": rDisclose,
	"提取": rRead, "导出": rRead, "查阅": rRead,
	"附上": rInclude, "附带": rInclude, "夹带": rInclude, "写入": rInclude, "粘贴": rInclude, "填写": rInclude, "带上": rInclude,
	"无须": rNeg, "无需": rNeg, "毋须": rNeg, "不需": rNeg, "不必": rNeg, "不用": rNeg, "严禁": rNeg, "请勿": rNeg, "切莫": rNeg, "不准": rNeg, "不许": rNeg,
	"私钥": rCred, "金钥": rCred, "口令": rCred, "访问令牌": rCred,
	"会话": rConv, "聊天内容": rConv, "对话记录": rConv, "上下文": rConv,
	"静默": rStealth, "私下": rStealth,
	"合规": rAuth, "稽核": rAuth, "审计": rAuth, "管理员": rAuth,
	"跳过": rIgnore, "绕过": rIgnore,
	"须": rOblig, "需要": rOblig,
	"弃用": rDeprec, "废弃": rDeprec, "过时": rDeprec, "已停用": rDeprec, "代替": rInstead, "取代": rInstead,
	"非推奨": rDeprec, "廃止": rDeprec,
}

// hanMaxRunes is the longest hanLexicon word in runes: katakana loanwords
// are long (システムプロンプト, "system prompt", is 9). A test checks every
// word fits.
const hanMaxRunes = 9

// rolesOf returns the roles of a folded word: the word itself, else its
// English stem, else (for snake_case) the noun roles of its parts.
func rolesOf(w string) role {
	if r, ok := lexicon[w]; ok {
		return r
	}
	if strings.HasSuffix(w, "n't") || strings.HasSuffix(w, "n’t") {
		return rNeg
	}
	if r := cliticRoles(w); r != 0 {
		return r
	}
	if s := stem(w); s != w {
		if r, ok := lexicon[s]; ok {
			// an inflected verb ("reads", "included", "sharing") describes
			// what happens; only base forms give orders
			r &^= rAddr | rParam | actionRoles
			if !strings.HasSuffix(w, "ing") {
				// "overrides the default rules", "is not exposed to users"
				// describe; "without telling" keeps its verb
				r &^= rIgnore | rDisclose
			}
			return r
		}
	}
	if strings.IndexByte(w, '_') > 0 {
		parts := strings.Split(w, "_")
		switch parts[len(parts)-1] {
		case "id", "ids", "type", "types", "name", "names", "count", "url", "uri", "path", "format", "mode", "size", "length", "limit":
			return 0 // conversation_id, secret_type: about the thing, not the thing
		}
		var r role
		for i, p := range parts {
			switch {
			case partCred[p]:
				r |= rCred
			case p == "key" || p == "keys" || p == "token" || p == "tokens":
				if i > 0 && (keyModifiers[parts[i-1]] || tokenModifiers[parts[i-1]]) {
					r |= rCred
				}
			case p == "history" || p == "transcript" || p == "conversation" || p == "conversations" || p == "messages" || p == "prompt":
				if i > 0 || len(parts) == 1 {
					r |= rConv
				}
				if p == "conversation" || p == "conversations" {
					r |= rConv
				}
			}
		}
		return r
	}
	return affixRoles(w) // Korean particles, Arabic and Hebrew prefixes (lexicon_i18n.go)
}

// partCred are snake_case parts that make an identifier a credential.
var partCred = map[string]bool{"password": true, "passwd": true, "passphrase": true, "secret": true, "secrets": true, "credential": true, "credentials": true, "apikey": true, "mnemonic": true, "cookie": true, "cookies": true, "rsa": true}

// tokenModifiers make "token" a credential: "access token", "auth_token".
var tokenModifiers = map[string]bool{"access": true, "auth": true, "bearer": true, "refresh": true, "session": true, "api": true, "oauth": true, "github": true, "slack": true, "id": true, "personal": true}

// clitics are the object pronouns Spanish, Portuguese and Italian join to
// an imperative ("reenvíalos", "mándaselo", "inviala"), longest first.
var clitics = []string{"selos", "selas", "melo", "mela", "selo", "sela", "glielo", "los", "las", "les", "lo", "la", "le", "me", "nos"}

// cliticRoles gives an imperative with a joined object pronoun the action
// and disclosure roles of the verb ("reenvialos" → reenvia, "comentarlo"
// → comentar), 0 when w is none.
func cliticRoles(w string) role {
	for _, c := range clitics {
		if b, ok := strings.CutSuffix(w, c); ok && len(b) >= 4 {
			if r := lexicon[b] & (actionRoles | rDisclose | rIgnore); r != 0 {
				return r
			}
		}
	}
	return 0
}

// stem strips one English inflection (-ing, -ed, -es, -s, -ly is kept):
// enough to find "sending", "included", "asks" under their base form.
func stem(w string) string {
	n := len(w)
	switch {
	case n > 5 && strings.HasSuffix(w, "ying"):
		return w[:n-4] + "y"
	case n > 5 && strings.HasSuffix(w, "ing"):
		b := w[:n-3]
		if len(b) > 2 && b[len(b)-1] == b[len(b)-2] && b[len(b)-1] != 's' && b[len(b)-1] != 'l' {
			b = b[:len(b)-1] // putting -> put
		}
		if _, ok := lexicon[b]; ok {
			return b
		}
		return b + "e" // sharing -> share
	case n > 4 && strings.HasSuffix(w, "ied"):
		return w[:n-3] + "y"
	case n > 4 && strings.HasSuffix(w, "ed"):
		b := w[:n-2]
		if _, ok := lexicon[b]; ok {
			return b
		}
		return w[:n-1] // shared -> share
	case n > 4 && strings.HasSuffix(w, "ies"):
		return w[:n-3] + "y"
	case n > 3 && strings.HasSuffix(w, "es") && (strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "sses") || strings.HasSuffix(w, "xes")):
		return w[:n-2]
	case n > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		return w[:n-1]
	}
	return w
}
