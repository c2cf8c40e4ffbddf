package injection

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mcpaudit/mcpaudit/detect/canon"
)

// Vocabulary of further languages: Portuguese, Italian, Dutch, Swedish,
// Polish, Czech, Russian, Ukrainian, Turkish, Indonesian, Vietnamese, Greek,
// Arabic, Hebrew, Hindi, Persian, Bengali, Malay, Tagalog, Swahili (i18nWords), Japanese (jaWords, matched inside Han
// and kana runs like Chinese) and Korean (koWords, looked up after its
// particles and endings are stripped). The roles are those of lexicon.go;
// only the words are new.
//
// Words are written here as a reader of the language writes them (lower
// case, with accents) and folded with canon.Fold when the package starts,
// so each is stored in the form the scanner sees. Folding depends on case
// for Cyrillic and Greek (canon maps the letters that look Latin, and
// capital Т, В, Н, Η look Latin where т, в, н, η do not), so the lower
// case, capitalised and upper case spellings are folded and stored;
// Greek words are also stored without their accents (capitals and quick
// typing drop the tonos). An upper-case variant that folds to three ASCII
// letters or fewer is left out: Russian НЕ folds to "he".
//
// A word prefixed with "!" is an imperative by its form (Portuguese
// "envie", Russian "отправь", Turkish "gönderin", Hindi "भेजें"): it gives
// an order wherever it stands, which matters where the verb ends the
// sentence. Other forms (infinitives, nouns) give orders only in the
// positions scan.go's imperative accepts.

// i18nWords are the vocabulary of the languages written with spaces, one
// entry per role and language.
var i18nWords = []struct {
	lang  string
	r     role
	words string
}{
	// Portuguese
	{"pt", rAddr, `você vocês assistente assistentes ia agente modelo`},
	{"pt", rOblig, `deve devem deverá precisa precisam necessário obrigatório obrigatória sempre nunca certifique garanta lembre`},
	{"pt", rOrder, `antes primeiro depois sempre imediatamente automaticamente`},
	{"pt", rRead, `!leia ler !obtenha obter !colete coletar !recolha !extraia extrair !acesse acessar`},
	{"pt", rSend, `!envie enviar !mande mandar !encaminhe encaminhar !transmita transmitir !compartilhe compartilhar !partilhe !exporte`},
	{"pt", rInclude, `!inclua incluir !coloque colocar !adicione adicionar !anexe anexar !insira inserir !preencha preencher !copie copiar !cole !repita`},
	{"pt", rCall, `!utilize utilizar usar !chame chamar !execute executar !rode`},
	{"pt", rDisclose, `!conte contar !diga dizer !mencione mencionar !mostre mostrar !revele revelar !informe informar !avise avisar !notifique notificar !comente`},
	{"pt", rPerceive, `saiba saber perceba perceber veja note notar descubra`},
	{"pt", rNeg, `não nem sem jamais nunca nenhum nenhuma`},
	{"pt", rUser, `usuário usuária usuários utilizador utilizadores cliente pessoa`},
	{"pt", rStealth, `silenciosamente secretamente discretamente sigilosamente`},
	{"pt", rConceal, `oculte ocultar esconda esconder oculto secreto secreta segredo sigilo sigiloso confidencial`},
	{"pt", rConv, `conversa conversas histórico mensagens diálogo`},
	{"pt", rCred, `senha senhas credenciais chave chaves segredos`},
	{"pt", rAuth, `sistema urgente importante atenção aviso segurança crítico obrigatório`},
	{"pt", rIgnore, `!ignore ignorar !desconsidere desconsiderar !esqueça esquecer !descarte`},
	{"pt", rPrev, `anteriores anterior prévias prévios todas todos originais`},
	{"pt", rInstr, `instruções instrução regras diretrizes orientações comandos`},
	{"pt", rDeprec, `obsoleto obsoleta descontinuado descontinuada substituído desativado`},
	{"pt", rPref, `melhor oficial verificado recomendado preferido`},
	{"pt", rParam, `parâmetro parâmetros campo campos argumento argumentos`},
	{"pt", rError, `erro falha falhou`},
	{"pt", rAll, `tudo toda todo todas inteira inteiro completa completo`},
	{"pt", rTool, `ferramenta ferramentas servidor função`},
	{"pt", rConsent, `permissão consentimento confirmação aprovação`},
	{"pt", rNew, `novas novos nova novo`},
	{"pt", rThis, `isso isto este esta estes estas`},

	// Italian
	{"it", rAddr, `tu voi assistente ia agente modello`},
	{"it", rOblig, `devi deve dovete devono bisogna sempre mai necessario obbligatorio assicurati ricorda`},
	{"it", rOrder, `prima dopo poi sempre subito immediatamente automaticamente invece`},
	{"it", rInstead, `invece anziché`},
	{"it", rRead, `!leggi leggere !ottieni ottenere !raccogli raccogliere !recupera recuperare !estrai !accedi !apri aprire`},
	{"it", rSend, `!invia inviare !inoltra inoltrare !manda mandare !trasmetti trasmettere !condividi condividere !carica caricare`},
	{"it", rInclude, `!includi includere !inserisci inserire !aggiungi aggiungere !allega allegare !metti mettere !copia copiare !compila !ripeti !incolla incollare compilare`},
	{"it", rCall, `!usa usare !utilizza utilizzare !chiama chiamare !esegui eseguire`},
	{"it", rDisclose, `dire !dica !racconta raccontare !menziona menzionare !mostra mostrare !rivela rivelare !informa informare !avvisa avvisare !notifica !segnala`},
	{"it", rPerceive, `sappia sapere veda vedere noti accorga scopra`},
	{"it", rNeg, `non né senza mai nessuno`},
	{"it", rUser, `utente utenti persona cliente all'utente agli'utenti dall'utente`},
	{"it", rStealth, `silenziosamente segretamente discretamente furtivamente`},
	{"it", rConceal, `nascondi nascondere nascosto nascosta segreto segreta riservato confidenziale`},
	{"it", rConv, `conversazione conversazioni cronologia messaggi dialogo`},
	{"it", rCred, `credenziali chiave chiavi segreti`},
	{"it", rAuth, `sistema urgente importante attenzione avviso sicurezza critico`},
	{"it", rIgnore, `!ignora ignorare !dimentica dimenticare !trascura !scarta`},
	{"it", rPrev, `precedenti precedente tutte tutti originali`},
	{"it", rInstr, `istruzioni istruzione regole direttive comandi`},
	{"it", rDeprec, `obsoleto deprecato dismesso sostituito disattivato`},
	{"it", rPref, `migliore ufficiale verificato consigliato`},
	{"it", rParam, `parametro parametri campo campi argomento`},
	{"it", rError, `errore fallito`},
	{"it", rAll, `tutto tutta intera intero completa completo`},
	{"it", rTool, `strumento strumenti funzione`},
	{"it", rConsent, `permesso consenso conferma approvazione`},
	{"it", rNew, `nuove nuovi nuova nuovo`},
	{"it", rThis, `questo questa queste questi ciò`},

	// Dutch
	{"nl", rAddr, `jij jou jouw uw assistent model agent`},
	{"nl", rOblig, `moet moeten altijd nooit verplicht noodzakelijk zorg`},
	{"nl", rOrder, `voordat eerst daarna vervolgens altijd meteen onmiddellijk automatisch`},
	{"nl", rRead, `!lees lezen !haal ophalen !verzamel verzamelen !verkrijg opvragen !vraag !open openen`},
	{"nl", rSend, `!stuur sturen !verstuur versturen !verzend verzenden doorsturen uploaden !deel delen`},
	{"nl", rInclude, `!voeg toevoegen !plaats plaatsen !zet zetten !kopieer kopiëren !vul invullen !herhaal !plak plakken`},
	{"nl", rSend, `meesturen meegestuurd meegezonden verstuurd gestuurd doorgestuurd verzonden`},
	{"nl", rInclude, `toegevoegd opgenomen bijgevoegd meegegeven ingevuld geplakt`},
	{"nl", rCall, `!gebruik gebruiken !roep aanroepen !voer uitvoeren`},
	{"nl", rDisclose, `!vertel vertellen !zeg zeggen !noem noemen !toon tonen !meld melden !informeer informeren !onthul onthullen !waarschuw`},
	{"nl", rPerceive, `weet weten merkt merken ziet zien ontdekt`},
	{"nl", rNeg, `niet nooit geen zonder`},
	{"nl", rUser, `gebruiker gebruikers klant persoon`},
	{"nl", rStealth, `stilletjes ongemerkt heimelijk stiekem geruisloos`},
	{"nl", rConceal, `verberg verbergen verborgen geheim vertrouwelijk verzwijg`},
	{"nl", rConv, `gesprek gesprekken conversatie chatgeschiedenis geschiedenis berichten`},
	{"nl", rCred, `wachtwoord wachtwoorden inloggegevens sleutel sleutels geheimen`},
	{"nl", rAuth, `systeem dringend belangrijk waarschuwing beveiliging kritiek`},
	{"nl", rIgnore, `!negeer negeren !vergeet vergeten`},
	{"nl", rPrev, `vorige eerdere alle oorspronkelijke voorgaande`},
	{"nl", rInstr, `instructies instructie regels richtlijnen opdrachten`},
	{"nl", rDeprec, `verouderd vervangen uitgeschakeld`},
	{"nl", rPref, `beter officieel geverifieerd aanbevolen`},
	{"nl", rParam, `veld velden`},
	{"nl", rError, `fout fouten mislukt`},
	{"nl", rAll, `alles hele volledige volledig elke ieder`},
	{"nl", rTool, `hulpmiddel functie`},
	{"nl", rConsent, `toestemming bevestiging goedkeuring`},
	{"nl", rNew, `nieuwe nieuw`},
	{"nl", rThis, `dit dat deze`},

	// Swedish
	{"sv", rAddr, `du dig din ditt assistent assistenten modell modellen agent`},
	{"sv", rOblig, `måste ska skall alltid aldrig behöver obligatoriskt nödvändigt`},
	{"sv", rOrder, `innan först efter sedan därefter alltid direkt omedelbart automatiskt`},
	{"sv", rInstead, `istället`},
	{"sv", rRead, `!läs läsa !hämta !samla !extrahera`},
	{"sv", rSend, `!skicka !vidarebefordra !ladda !dela`},
	{"sv", rInclude, `!inkludera !lägg lägga !bifoga !infoga !kopiera !fyll !upprepa`},
	{"sv", rCall, `!använd använda !anropa !kör köra`},
	{"sv", rDisclose, `!berätta !säg säga !nämn nämna !visa !avslöja !informera !meddela !varna`},
	{"sv", rPerceive, `vet veta märker märka ser upptäcker`},
	{"sv", rNeg, `inte aldrig utan ingen inget ej`},
	{"sv", rUser, `användaren användare användarna kund`},
	{"sv", rStealth, `tyst obemärkt diskret`},
	{"sv", rConceal, `dölj dölja dold hemlig hemligt hemlighet konfidentiell`},
	{"sv", rConv, `konversation konversationen samtal samtalet chatthistorik historik meddelanden`},
	{"sv", rCred, `lösenord inloggningsuppgifter nyckel nycklar hemligheter`},
	{"sv", rAuth, `system viktigt brådskande varning säkerhet kritisk`},
	{"sv", rIgnore, `!ignorera strunta !glöm`},
	{"sv", rPrev, `tidigare föregående alla ursprungliga`},
	{"sv", rInstr, `instruktioner instruktionerna regler riktlinjer`},
	{"sv", rDeprec, `föråldrad ersatt inaktiverad`},
	{"sv", rPref, `bättre officiell verifierad rekommenderad`},
	{"sv", rParam, `parametern fält fältet`},
	{"sv", rError, `fel misslyckades`},
	{"sv", rAll, `allt hela fullständig fullständiga`},
	{"sv", rTool, `verktyg verktyget funktion`},
	{"sv", rConsent, `tillstånd samtycke bekräftelse godkännande`},
	{"sv", rNew, `nya ny`},
	{"sv", rThis, `detta det denna dessa`},

	// Polish
	{"pl", rAddr, `ty twój asystent asystencie asystenta model modelu agent`},
	{"pl", rOblig, `musisz musi należy trzeba zawsze nigdy powinieneś powinien koniecznie obowiązkowo wymagane upewnij`},
	{"pl", rOrder, `przed najpierw potem następnie zawsze natychmiast automatycznie`},
	{"pl", rInstead, `zamiast`},
	{"pl", rRead, `!przeczytaj !czytaj !odczytaj !pobierz pobrać !zbierz zebrać !wyodrębnij !uzyskaj`},
	{"pl", rSend, `!wyślij wysłać !wysyłaj !prześlij przesłać !przesyłaj !przekaż przekazać !przekazuj !udostępnij`},
	{"pl", rInclude, `!dołącz dołączyć !dołączaj !umieść umieścić !dodaj dodać !dodawaj !wstaw wstawić !wpisz wpisać !skopiuj !wypełnij !powtórz`},
	{"pl", rCall, `!użyj użyć !używaj !wywołaj wywołać !uruchom uruchomić !wykonaj wykonać`},
	{"pl", rDisclose, `!mów mówić !powiedz powiedzieć !wspominaj wspomnieć !wspomnij !pokazuj pokazać !pokaż !ujawniaj ujawnić !informuj informować !poinformuj !powiadamiaj !powiadom !zgłaszaj`},
	{"pl", rPerceive, `wie wiedział wiedzieć dowie zauważy zobaczy`},
	{"pl", rNeg, `nie nigdy bez ani`},
	{"pl", rUser, `użytkownik użytkownika użytkownikowi użytkownikiem użytkownicy klient osoba`},
	{"pl", rStealth, `potajemnie dyskretnie ukradkiem niepostrzeżenie cichu`},
	{"pl", rConceal, `ukryj ukryć ukrywaj ukryte tajne tajemnica poufne`},
	{"pl", rConv, `rozmowa rozmowy rozmowę historia historię czatu wiadomości konwersacja konwersacji konwersację`},
	{"pl", rCred, `hasło hasła haseł poświadczenia klucz klucze klucza sekrety`},
	{"pl", rAuth, `system systemowy pilne ważne uwaga ostrzeżenie bezpieczeństwo krytyczne`},
	{"pl", rIgnore, `!zignoruj !ignoruj ignorować !zapomnij !pomiń`},
	{"pl", rPrev, `poprzednie poprzednich wcześniejsze wszystkie wszystkich oryginalne`},
	{"pl", rInstr, `instrukcje instrukcji polecenia zasady reguły wytyczne`},
	{"pl", rDeprec, `przestarzałe przestarzały wycofany zastąpiony wyłączony`},
	{"pl", rPref, `lepszy lepsze oficjalny zweryfikowany zalecany`},
	{"pl", rParam, `parametr parametrze parametru pole polu`},
	{"pl", rError, `błąd błędu niepowodzenie`},
	{"pl", rAll, `cała całą całej cały całość wszystko pełną pełna`},
	{"pl", rTool, `narzędzie narzędzia serwer funkcja`},
	{"pl", rConsent, `zgody zgoda pozwolenia potwierdzenia`},
	{"pl", rNew, `nowe nowych nowy nowa`},
	{"pl", rThis, `to tego tym te`},
	// Czech (a negated imperative is one word, ne + verb: neříkej is
	// listed as a negation and a disclosure verb)
	{"cs", rAddr, `ty tvůj asistent asistente asistenta model modelu agent`},
	{"cs", rOblig, `musíš musí musíte je nutné nutně vždy vždycky nikdy měl měli povinně povinné požadováno ujisti zajisti`},
	{"cs", rOrder, `před nejdřív nejprve potom poté pak vždy okamžitě automaticky každým`},
	{"cs", rInstead, `místo`},
	{"cs", rRead, `!přečti !přečtěte číst !načti načíst !získej získat !shromáždi !stáhni stáhnout !zjisti`},
	{"cs", rSend, `!pošli poslat !posílej !odešli odeslat !přepošli přeposlat !předej předat !sdílej sdílet !nahraj nahrát`},
	{"cs", rInclude, `!přidej přidat !vlož vložit !zahrň zahrnout !připoj připojit !zkopíruj zkopírovat !vyplň vyplnit !ulož uložit !zapiš zapsat`},
	{"cs", rCall, `!použij použít !používej !zavolej zavolat !spusť spustit !spusťte !proveď provést !vykonej`},
	{"cs", rDisclose, `!říkej říct !řekni !zmiňuj zmínit !zmiň !ukazuj ukázat !ukaž !prozraď prozradit !informuj informovat !oznam oznámit neříkej nezmiňuj neukazuj neprozrazuj neinformuj neoznamuj`},
	{"cs", rPerceive, `ví věděl vědět zjistí všimne uvidí`},
	{"cs", rNeg, `ne nikdy bez ani nesmíš nic neříkej nezmiňuj neukazuj neprozrazuj neinformuj neoznamuj`},
	{"cs", rUser, `uživatel uživatele uživateli uživatelem uživatelé klient osoba`},
	{"cs", rStealth, `potichu tajně nenápadně skrytě diskrétně`},
	{"cs", rConceal, `skryj skrýt skrývej skryté tajné tajemství důvěrné`},
	{"cs", rConv, `konverzace konverzaci rozhovor rozhovoru historie historii zprávy chatu`},
	{"cs", rCred, `heslo hesla hesel přihlašovací klíč klíče klíčů tajemství token tokeny`},
	{"cs", rAuth, `systém systémové naléhavé důležité upozornění varování bezpečnost kritické`},
	{"cs", rIgnore, `!ignoruj ignorovat !zapomeň zapomenout !přeskoč`},
	{"cs", rPrev, `předchozí dřívější všechny všechna původní`},
	{"cs", rInstr, `instrukce pokyny pravidla směrnice příkazy`},
	{"cs", rDeprec, `zastaralý zastaralé vyřazený nahrazený vypnutý`},
	{"cs", rPref, `lepší oficiální ověřený doporučený`},
	{"cs", rParam, `parametr parametru pole poli`},
	{"cs", rError, `chyba chyby selhání`},
	{"cs", rAll, `celá celou celý celé všechno úplnou úplná`},
	{"cs", rTool, `nástroj nástroje server funkce`},
	{"cs", rConsent, `souhlas souhlasu svolení potvrzení`},
	{"cs", rNew, `nové nových nový nová`},
	{"cs", rThis, `to toho tím tyto`},

	// Russian
	{"ru", rAddr, `ты вы твой ваш тебе вам ассистент ассистенту ассистента помощник помощнику ии модель модели агент агенту нейросеть`},
	{"ru", rOblig, `должен должна должно должны обязательно всегда никогда необходимо нужно надо требуется обязан следует убедись убедитесь`},
	{"ru", rOrder, `перед сначала прежде затем потом после всегда сразу немедленно автоматически`},
	{"ru", rInstead, `вместо`},
	{"ru", rRead, `!прочитай !прочитайте прочитать !прочти !считай !получи !получите получить !собери !соберите собрать !извлеки !открой`},
	{"ru", rSend, `!отправь !отправьте отправить !отправляй !отправляйте !пошли !пришли !перешли !перешлите переслать !передай !передайте передать !выгрузи !поделись`},
	{"ru", rInclude, `!включи !включите включить !вставь !вставьте вставить !добавь !добавьте добавить !приложи !приложите !прикрепи !помести !запиши !впиши !укажи !укажите !скопируй !заполни !повтори`},
	{"ru", rCall, `!используй !используйте использовать !вызови !вызовите вызвать !выполни !выполните выполнить !запусти !запустите запустить`},
	{"ru", rDisclose, `!говори !скажи !скажите сказать говорить !сообщай !сообщи !сообщите сообщать сообщить !упоминай !упоминайте упоминать !упомяни !показывай !показывайте показывать !покажи !раскрывай раскрывать !уведомляй уведомлять !информируй`},
	{"ru", rPerceive, `знал знать узнал узнать видел видеть заметил заметить догадался`},
	{"ru", rNeg, `не нельзя никогда без ни запрещается запрещено`},
	{"ru", rSend, `направлять направить отправлять пересылать передавать высылать выслать`},
	{"ru", rUser, `пользователь пользователю пользователя пользователем пользователи пользователей юзер клиент человек`},
	{"ru", rStealth, `тихо незаметно тайно скрытно втихую молча негласно`},
	{"ru", rConceal, `скрой скрывай скрыть скрывать скрыто скрытый секрет секретно тайна конфиденциально`},
	{"ru", rConv, `разговор разговора переписка переписку переписки диалог диалога беседа беседу беседы чат чата история историю истории сообщения сообщений`},
	{"ru", rCred, `пароль пароли пароля паролей токен токены токена ключ ключи ключа секреты учетные`},
	{"ru", rAuth, `система системное системы срочно срочное важно важное внимание предупреждение безопасность критично критическое`},
	{"ru", rIgnore, `!игнорируй !игнорируйте игнорировать !проигнорируй !забудь !забудьте забыть !пропусти`},
	{"ru", rPrev, `предыдущие предыдущих прежние прежних ранее все всех исходные`},
	{"ru", rInstr, `инструкции инструкций инструкциями указания указаний правила правил команды`},
	{"ru", rDeprec, `устарел устаревший устаревшая отключен заменен`},
	{"ru", rPref, `лучше лучший официальный проверенный рекомендуемый`},
	{"ru", rParam, `параметр параметре параметра поле поля аргумент`},
	{"ru", rError, `ошибка ошибки сбой`},
	{"ru", rAll, `всё весь всю целиком полностью полный полную`},
	{"ru", rTool, `инструмент инструмента сервер функция`},
	{"ru", rConsent, `разрешения согласия подтверждения`},
	{"ru", rNew, `новые новых новый новая`},
	{"ru", rThis, `это этого этом эти`},

	// Ukrainian
	{"uk", rAddr, `ти ви асистент асистенту помічник помічнику модель моделі агент`},
	{"uk", rOblig, `повинен повинна мусиш мусить має мають завжди ніколи необхідно потрібно треба слід`},
	{"uk", rOrder, `перед спочатку потім після завжди одразу негайно автоматично`},
	{"uk", rInstead, `замість`},
	{"uk", rDeprec, `застарілий застаріла вимкнено замінено`},
	{"uk", rRead, `!прочитай !зчитай !отримай !збери !витягни`},
	{"uk", rSend, `!надішли !надішліть надіслати !надсилай !надсилайте !відправ !відправте відправити !перешли !передай !передайте передати !поділись`},
	{"uk", rInclude, `!включи !включіть !встав !вставте !додай !додайте !долучи !прикріпи !вкажи !вкажіть !запиши !скопіюй !заповни !повтори`},
	{"uk", rInclude, `додавати додати включати включити вставляти вставити прикріплювати прикріпити долучати долучити`},
	{"uk", rSend, `надсилати передавати передати пересилати переслати`},
	{"uk", rCall, `!використовуй !використай використовувати !виклич !викличте !виконай !виконайте !запусти`},
	{"uk", rDisclose, `!кажи !скажи !скажіть !говори !повідомляй !повідомляйте !повідом !повідомте повідомляти повідомити !згадуй !згадуйте згадувати !показуй !показуйте показувати !покажи !розкривай`},
	{"uk", rPerceive, `знав знати дізнався дізнатися бачив бачити помітив`},
	{"uk", rNeg, `не ніколи без ні заборонено забороняється`},
	{"uk", rUser, `користувач користувачу користувачеві користувача користувачем користувачі клієнт`},
	{"uk", rStealth, `тихо непомітно таємно потай приховано мовчки`},
	{"uk", rConceal, `приховай приховуй приховати сховай секрет таємниця конфіденційно`},
	{"uk", rConv, `розмова розмову розмови листування діалог діалогу історія історію чату повідомлення`},
	{"uk", rCred, `пароль паролі пароля токен токени ключ ключі облікові секрети`},
	{"uk", rAuth, `система системне терміново важливо увага попередження безпека критично`},
	{"uk", rIgnore, `!ігноруй !ігноруйте ігнорувати !проігноруй !забудь !забудьте`},
	{"uk", rPrev, `попередні попередніх всі усі всіх початкові`},
	{"uk", rInstr, `інструкції інструкцій вказівки правила команди`},
	{"uk", rParam, `параметр параметра параметрі поле поля`},
	{"uk", rError, `помилка`},
	{"uk", rAll, `все весь увесь всю усю повністю повну`},
	{"uk", rTool, `інструмент сервер функція`},
	{"uk", rThis, `це цього цим ці`},

	// Turkish (agglutinative: the common case forms are listed)
	{"tr", rAddr, `sen siz asistan asistana asistanı zeka model modele`},
	{"tr", rOblig, `daima asla mutlaka zorunlu gerekli gerekir zorundasın lazım kesinlikle olmalı unutma`},
	{"tr", rOrder, `önce ardından sonra daima hemen otomatik otomatikman`},
	{"tr", rInstead, `yerine`},
	{"tr", rDeprec, `eskimiş kaldırıldı`},
	{"tr", rRead, `!oku !okuyun !topla !toplayın !getir`},
	{"tr", rSend, `!gönder !gönderin !gönderiniz göndermek !ilet !iletin iletmek !yükle !yükleyin !paylaş !paylaşın !aktar !aktarın`},
	{"tr", rInclude, `!ekle !ekleyin eklemek !koy !koyun !yaz !yazın !iliştir !doldur !doldurun !kopyala !tekrarla`},
	{"tr", rCall, `!kullan !kullanın kullanmak !çağır !çağırın !çalıştır !çalıştırın`},
	{"tr", rDisclose, `!söyle !söyleyin !bahset !bahsedin !göster !gösterin !bildir !bildirin !açıkla !anlat`},
	// negative imperatives: the verb carries its negation (see postNeg)
	{"tr", rDisclose, `söyleme söylemeyin bahsetme bahsetmeyin gösterme göstermeyin bildirme bildirmeyin anlatma anlatmayın açıklamayın`},
	{"tr", rNeg, `değil asla hiç hiçbir olmadan göndermeyin ekleme eklemeyin paylaşmayın`},
	{"tr", rUser, `kullanıcı kullanıcıya kullanıcının kullanıcıyı kullanıcıdan kullanıcılar kullanıcılara müşteri`},
	{"tr", rStealth, `sessizce gizlice habersiz ettirmeden`},
	{"tr", rConceal, `gizle gizleyin gizli sakla saklayın gizlilik sır`},
	{"tr", rConv, `konuşma konuşmayı konuşmanın konuşmadaki sohbet sohbeti sohbetin sohbette sohbetteki geçmiş geçmişi geçmişini mesajlar mesajları`},
	{"tr", rCred, `şifre şifreyi şifresini şifreler şifreleri şifreniz şifrenizi şifrenizin şifremi parola parolayı parolasını parolanız parolanızı anahtar anahtarı anahtarını sırlar`},
	{"tr", rAuth, `sistem acil önemli dikkat uyarı güvenlik kritik`},
	{"tr", rIgnore, `!yoksay !unut !unutun görmezden`},
	{"tr", rPrev, `önceki tüm bütün`},
	{"tr", rInstr, `talimatlar talimatları talimat talimatlarını kurallar kuralları yönergeler komutlar`},
	{"tr", rPref, `resmi doğrulanmış önerilen`},
	{"tr", rParam, `parametre parametresine parametresi alanına argüman`},
	{"tr", rError, `hata başarısız`},
	{"tr", rAll, `tüm tümünü hepsi bütün tamamını tamamı eksiksiz`},
	{"tr", rTool, `araç aracı sunucu`},
	{"tr", rConsent, `izin onay`},
	{"tr", rNew, `yeni`},
	{"tr", rThis, `bu bunu bunları`},

	// Indonesian
	{"id", rAddr, `kamu anda engkau asisten agen`},
	{"id", rOblig, `harus wajib selalu pastikan perlu senantiasa`},
	{"id", rOrder, `sebelum pertama dulu setelah kemudian selalu segera otomatis`},
	{"id", rRead, `!baca !ambil !kumpulkan mengumpulkan !ekstrak !dapatkan`},
	{"id", rSend, `!kirim !kirimkan mengirim mengirimkan !teruskan meneruskan !unggah mengunggah !bagikan membagikan`},
	{"id", rInclude, `!sertakan menyertakan !masukkan memasukkan !tambahkan menambahkan !lampirkan melampirkan !tempelkan !salin !isi !isikan !ulangi`},
	{"id", rCall, `!gunakan menggunakan !pakai !panggil memanggil !jalankan menjalankan`},
	{"id", rDisclose, `!beritahu beritahukan memberitahu memberi !katakan mengatakan !sebutkan menyebutkan !tunjukkan menunjukkan !tampilkan menampilkan !ungkapkan mengungkapkan !informasikan menginformasikan !laporkan !kabari`},
	{"id", rPerceive, `tahu mengetahui melihat menyadari sadar`},
	{"id", rNeg, `tidak jangan tanpa tak`},
	{"id", rUser, `pengguna pemakai pelanggan`},
	{"id", rStealth, `diam tersembunyi`},
	{"id", rConceal, `sembunyikan menyembunyikan rahasia rahasiakan merahasiakan`},
	{"id", rConv, `percakapan obrolan riwayat pesan`},
	{"id", rCred, `sandi kredensial kunci`},
	{"id", rAuth, `sistem penting mendesak perhatian peringatan keamanan kritis`},
	{"id", rIgnore, `!abaikan mengabaikan !lupakan melupakan`},
	{"id", rPrev, `sebelumnya semua seluruh`},
	{"id", rInstr, `instruksi petunjuk aturan perintah arahan`},
	{"id", rDeprec, `usang diganti dinonaktifkan`},
	{"id", rPref, `resmi terverifikasi direkomendasikan`},
	{"id", rParam, `kolom bidang argumen`},
	{"id", rError, `kesalahan galat gagal`},
	{"id", rAll, `seluruh semua lengkap utuh`},
	{"id", rTool, `alat fungsi`},
	{"id", rConsent, `izin persetujuan konfirmasi`},
	{"id", rNew, `baru`},
	{"id", rThis, `ini itu`},

	// Vietnamese (folding removes the tones, so most words are the second
	// syllable of a compound: see i18nCompounds)
	{"vi", rSend, `gửi`},
	{"vi", rInclude, `chèn thêm`},
	{"vi", rCall, `gọi chạy`},
	{"vi", rDisclose, `nói bảo kể`},
	{"vi", rPerceive, `biết`},
	{"vi", rNeg, `không chẳng`},
	{"vi", rOblig, `phải luôn`},
	{"vi", rOrder, `trước`},
	{"vi", rIgnore, `quên`},
	{"vi", rError, `lỗi`},
	{"vi", rThis, `này`},

	// Greek
	{"el", rAddr, `εσύ εσείς βοηθός βοηθέ μοντέλο πράκτορας`},
	{"el", rOblig, `πρέπει πάντα ποτέ πάντοτε οπωσδήποτε υποχρεωτικά απαραίτητο βεβαιώσου`},
	{"el", rOrder, `πριν πρώτα μετά έπειτα πάντα αμέσως αυτόματα`},
	{"el", rInstead, `αντί`},
	{"el", rDeprec, `παρωχημένο καταργήθηκε`},
	{"el", rRead, `!διάβασε !συλλέξτε !συλλέξε !μάζεψε !ανάκτησε`},
	{"el", rSend, `!στείλε !στείλτε !στέλνε !στέλνετε !προώθησε !προωθήστε !ανέβασε !μοιράσου`},
	{"el", rInclude, `!συμπερίλαβε !συμπεριλάβετε !βάλε !βάλτε !πρόσθεσε !προσθέστε !επισύναψε !εισάγετε !αντίγραψε !συμπλήρωσε !επανάλαβε`},
	{"el", rCall, `!χρησιμοποίησε !χρησιμοποιήστε !κάλεσε !καλέστε !εκτέλεσε !εκτελέστε`},
	{"el", rDisclose, `πεις πείτε !πες αναφέρεις αναφέρετε !ανέφερε δείξεις δείξετε !δείξε αποκαλύψεις αποκαλύψετε ενημερώσεις ενημερώσετε !ενημέρωσε`},
	{"el", rPerceive, `μάθει ξέρει γνωρίζει δει καταλάβει`},
	{"el", rNeg, `μην μη δεν ποτέ χωρίς ούτε`},
	{"el", rUser, `χρήστης χρήστη χρήστες χρηστών πελάτης`},
	{"el", rStealth, `σιωπηλά κρυφά αθόρυβα διακριτικά απαρατήρητα`},
	{"el", rConceal, `κρύψε κρύψτε κρυφό μυστικό απόρρητο εμπιστευτικό`},
	{"el", rConv, `συνομιλία συνομιλίας συνομιλίες ιστορικό μηνύματα διάλογο διαλόγου`},
	{"el", rCred, `συνθηματικό κλειδί κλειδιά διαπιστευτήρια`},
	{"el", rAuth, `σύστημα συστήματος επείγον επείγουσα σημαντικό προσοχή προειδοποίηση ασφάλεια κρίσιμο`},
	{"el", rIgnore, `!αγνόησε !αγνοήστε !ξέχασε !ξεχάστε !παράβλεψε`},
	{"el", rPrev, `προηγούμενες προηγούμενους προηγούμενα όλες όλους όλα αρχικές`},
	{"el", rInstr, `οδηγίες οδηγιών εντολές κανόνες κανόνων`},
	{"el", rError, `σφάλμα`},
	{"el", rAll, `ολόκληρη ολόκληρο ολόκληρες πλήρη όλο`},
	{"el", rTool, `εργαλείο εργαλεία διακομιστή`},
	{"el", rParam, `παράμετρο παράμετρος πεδίο`},
	{"el", rThis, `αυτό αυτά αυτή`},
	{"el", rNew, `νέες νέα`},

	// Arabic (prefixes و ف ب ل ال are also stripped: affixRoles)
	{"ar", rAddr, `أنت انت المساعد مساعد النموذج الذكاء الاصطناعي الوكيل`},
	{"ar", rOblig, `يجب دائما دائمًا أبدا أبدًا ابدا لازم ضروري إلزامي عليك تأكد`},
	{"ar", rOrder, `قبل أولا أولًا بعد ثم دائما دائمًا فورا فورًا تلقائيا تلقائيًا`},
	{"ar", rInstead, `بدلا بدلًا بدل عوضا`},
	{"ar", rDeprec, `مهمل متوقف ملغى`},
	{"ar", rRead, `!اقرأ !اجمع !استخرج !احصل`},
	{"ar", rSend, `!أرسل !ارسل إرسال ارسال !انقل !شارك !ارفع !مرر`},
	{"ar", rInclude, `!أدرج !ادرج !ضع !أضف !اضف !أرفق !ارفق !ضمن !انسخ !املأ !كرر`},
	{"ar", rCall, `!استخدم !استعمل !استدع !نفذ !شغل`},
	{"ar", rDisclose, `تخبر !أخبر !اخبر تذكر !اذكر تظهر !أظهر تكشف !اكشف تبلغ !أبلغ !ابلغ تقل !قل تعلم`},
	{"ar", rPerceive, `يعرف يعلم يلاحظ يرى`},
	{"ar", rNeg, `لا لن لم دون بدون`},
	{"ar", rUser, `المستخدم مستخدم للمستخدم المستخدمين العميل`},
	{"ar", rStealth, `بصمت سرا سرًا خفية بهدوء`},
	{"ar", rConceal, `أخف اخف إخفاء سري سرية مخفي`},
	{"ar", rConv, `المحادثة محادثة المحادثات الدردشة سجل الرسائل`},
	{"ar", rCred, `مفتاح المفتاح مفاتيح توكن`},
	{"ar", rAuth, `النظام نظام عاجل هام مهم تنبيه تحذير الأمان`},
	{"ar", rIgnore, `!تجاهل !انس`},
	{"ar", rPrev, `السابقة السابق جميع كل الأصلية`},
	{"ar", rInstr, `التعليمات تعليمات الأوامر أوامر القواعد الإرشادات`},
	{"ar", rError, `خطأ`},
	{"ar", rAll, `كامل كاملة الكامل الكاملة بالكامل`},
	{"ar", rTool, `الأداة أداة الخادم`},
	{"ar", rParam, `المعامل المعلمة الحقل حقل`},
	{"ar", rThis, `هذا هذه ذلك`},

	// Hebrew (prefixes ו ה ל ב מ ש כ are also stripped: affixRoles)
	{"he", rAddr, `אתה העוזר עוזר המודל מודל הסוכן סוכן`},
	{"he", rOblig, `חייב חייבת חייבים צריך צריכה תמיד לעולם הקפד`},
	{"he", rOrder, `לפני קודם ראשית אחרי לאחר תמיד מיד אוטומטית`},
	{"he", rInstead, `במקום`},
	{"he", rDeprec, `מיושן מיושנת הוחלף`},
	{"he", rRead, `!אסוף תאסוף !השג !חלץ`},
	{"he", rSend, `!שלח !שלחי לשלוח תשלח !העבר להעביר תעביר !העלה להעלות !שתף`},
	{"he", rInclude, `!כלול לכלול תכלול !הוסף להוסיף תוסיף !צרף לצרף תצרף !הכנס להכניס תכניס !שים !מלא !העתק`},
	{"he", rCall, `!השתמש להשתמש תשתמש !הפעל !הרץ`},
	{"he", rDisclose, `תגיד תספר תזכיר תציג תחשוף תודיע !ספר !הודע להודיע`},
	{"he", rNeg, `אל לא ללא בלי אף אסור`},
	{"he", rUser, `המשתמש משתמש למשתמש המשתמשים לקוח`},
	{"he", rStealth, `בשקט בסתר בחשאי`},
	{"he", rConceal, `הסתר להסתיר סודי סוד חסוי`},
	{"he", rConv, `השיחה שיחה השיחות היסטוריית היסטוריה ההודעות`},
	{"he", rCred, `סיסמה סיסמא הסיסמה הסיסמאות סיסמאות מפתח המפתח מפתחות אסימון טוקן`},
	{"he", rAuth, `מערכת המערכת דחוף חשוב אזהרה אבטחה קריטי`},
	{"he", rIgnore, `!התעלם`},
	{"he", rPrev, `הקודמות הקודמים קודמות כל`},
	{"he", rInstr, `ההוראות הוראות ההנחיות הנחיות הכללים כללים`},
	{"he", rError, `שגיאה`},
	{"he", rAll, `המלא המלאה כולה`},
	{"he", rTool, `הכלי כלי השרת`},
	{"he", rParam, `הפרמטר פרמטר השדה שדה`},
	{"he", rThis, `זה זאת זו אלה`},

	// Hindi (a compound verb is a noun with करें/दें: see imperativeAux)
	{"hi", rAddr, `आप तुम सहायक मॉडल एजेंट`},
	{"hi", rOblig, `चाहिए अवश्य ज़रूर जरूर हमेशा सदैव आवश्यक अनिवार्य सुनिश्चित`},
	{"hi", rOrder, `पहले बाद हमेशा तुरंत स्वचालित`},
	{"hi", rInstead, `बजाय`},
	{"hi", rDeprec, `अप्रचलित`},
	{"hi", rRead, `!पढ़ें पढ़ो एकत्र इकट्ठा प्राप्त`},
	{"hi", rSend, `!भेजें !भेजो भेजना भेज फॉरवर्ड अपलोड साझा`},
	{"hi", rInclude, `शामिल !जोड़ें !डालें संलग्न !भरें कॉपी`},
	{"hi", rCall, `उपयोग इस्तेमाल !चलाएं`},
	{"hi", rDisclose, `!बताएं !बताएँ बताना !बताओ बता उल्लेख !दिखाएं दिखाना प्रकट सूचित`},
	{"hi", rPerceive, `पता जाने जानना`},
	{"hi", rNeg, `न नहीं मत बिना`},
	{"hi", rUser, `उपयोगकर्ता यूज़र यूजर ग्राहक`},
	{"hi", rStealth, `चुपचाप चुपके`},
	{"hi", rConceal, `छिपाएं छिपाना छुपाएं गुप्त गोपनीय`},
	{"hi", rConv, `बातचीत वार्तालाप चैट इतिहास संदेश संदेशों`},
	{"hi", rCred, `पासवर्ड कुंजी टोकन क्रेडेंशियल`},
	{"hi", rAuth, `सिस्टम तत्काल ज़रूरी महत्वपूर्ण चेतावनी सुरक्षा`},
	{"hi", rIgnore, `अनदेखा नज़रअंदाज़`},
	{"hi", rPrev, `पिछले पिछली सभी`},
	{"hi", rInstr, `निर्देश निर्देशों नियम नियमों आदेश`},
	{"hi", rError, `त्रुटि`},
	{"hi", rAll, `पूरा पूरी पूरे संपूर्ण सारा सारी`},
	{"hi", rTool, `टूल सर्वर`},
	{"hi", rParam, `पैरामीटर फ़ील्ड फील्ड`},
	{"hi", rThis, `यह इसे`},

	// Persian (a compound verb is a noun with کنید/نمایید: see imperativeAux)
	{"fa", rAddr, `شما تو دستیار مدل عامل`},
	{"fa", rOblig, `باید حتما حتماً همیشه لازم ضروری الزامی الزاما الزاماً موظف`},
	{"fa", rOrder, `قبل ابتدا نخست بعد سپس همیشه فورا فوراً خودکار`},
	{"fa", rInstead, `بجای`},
	{"fa", rDeprec, `منسوخ`},
	{"fa", rRead, `!بخوان !بخوانید خواندن استخراج دریافت`},
	{"fa", rSend, `!بفرست !بفرستید ارسال فرستادن بارگذاری آپلود`},
	{"fa", rInclude, `اضافه درج !بگذار !بگذارید ضمیمه پیوست کپی وارد`},
	{"fa", rCall, `استفاده فراخوانی اجرا`},
	{"fa", rDisclose, `!بگو !بگویید گفتن اطلاع مطلع نشان افشا آگاه`},
	{"fa", rNeg, `نه نباید بدون هرگز نیازی`},
	{"fa", rUser, `کاربر کاربران مشتری`},
	{"fa", rStealth, `مخفیانه پنهانی`},
	{"fa", rConceal, `پنهان مخفی محرمانه سری`},
	{"fa", rConv, `گفتگو مکالمه چت تاریخچه پیام`},
	{"fa", rCred, `رمز گذرواژه کلید توکن`},
	{"fa", rAuth, `سیستم سامانه فوری مهم هشدار امنیت امنیتی`},
	{"fa", rIgnore, `نادیده فراموش`},
	{"fa", rPrev, `قبلی پیشین همه تمام`},
	{"fa", rInstr, `دستورالعمل دستورات دستور قوانین`},
	{"fa", rError, `خطا`},
	{"fa", rAll, `کامل تمامی`},
	{"fa", rTool, `ابزار سرور`},
	{"fa", rParam, `پارامتر فیلد`},
	{"fa", rThis, `این`},

	// Bengali (a compound verb is a noun with করুন/দিন: see imperativeAux)
	{"bn", rAddr, `আপনি তুমি সহকারী মডেল এজেন্ট`},
	{"bn", rOblig, `অবশ্যই সবসময় আবশ্যক বাধ্যতামূলক প্রয়োজন নিশ্চিত উচিত`},
	{"bn", rOrder, `আগে প্রথমে পরে তারপর সবসময় অবিলম্বে স্বয়ংক্রিয়`},
	{"bn", rRead, `!পড়ুন পড়া সংগ্রহ`},
	{"bn", rSend, `!পাঠান পাঠানো প্রেরণ ফরোয়ার্ড আপলোড শেয়ার`},
	{"bn", rInclude, `যোগ যুক্ত সংযুক্ত অন্তর্ভুক্ত কপি`},
	{"bn", rCall, `ব্যবহার !চালান`},
	{"bn", rDisclose, `!বলুন বলা !জানান জানানো উল্লেখ !দেখান প্রকাশ`},
	{"bn", rNeg, `না নয় ছাড়া কখনো`},
	{"bn", rUser, `ব্যবহারকারী ব্যবহারকারীকে গ্রাহক`},
	{"bn", rStealth, `চুপচাপ গোপনে`},
	{"bn", rConceal, `লুকান গোপন গোপনীয়`},
	{"bn", rConv, `কথোপকথন চ্যাট ইতিহাস বার্তা`},
	{"bn", rCred, `পাসওয়ার্ড টোকেন ক্রেডেনশিয়াল`},
	{"bn", rAuth, `সিস্টেম জরুরি গুরুত্বপূর্ণ সতর্কতা নিরাপত্তা`},
	{"bn", rIgnore, `উপেক্ষা`},
	{"bn", rDeprec, `অপ্রচলিত`},
	{"bn", rPrev, `পূর্ববর্তী আগের সমস্ত`},
	{"bn", rInstr, `নির্দেশ নির্দেশনা নিয়ম আদেশ`},
	{"bn", rError, `ত্রুটি`},
	{"bn", rAll, `সম্পূর্ণ পুরো`},
	{"bn", rTool, `টুল সার্ভার`},
	{"bn", rParam, `প্যারামিটার ফিল্ড`},
	{"bn", rThis, `এই এটি`},

	// Malay (where it differs from Indonesian)
	{"ms", rAddr, `awak anda kamu pembantu ejen`},
	{"ms", rOblig, `mesti perlu wajib sentiasa pastikan hendaklah dikehendaki`},
	{"ms", rOrder, `sebelum dahulu selepas kemudian sentiasa segera automatik`},
	{"ms", rRead, `!baca !ambil !kumpul !dapatkan`},
	{"ms", rSend, `!hantar menghantar !kongsi berkongsi !majukan`},
	{"ms", rInclude, `!sertakan !masukkan !tambah !lampirkan !salin !isi`},
	{"ms", rCall, `!gunakan !panggil !jalankan`},
	{"ms", rDisclose, `!beritahu !maklumkan memaklumkan !tunjukkan !dedahkan mendedahkan !sebut`},
	{"ms", rNeg, `tidak jangan tanpa tak`},
	{"ms", rUser, `pengguna pelanggan`},
	{"ms", rStealth, `senyap`},
	{"ms", rConceal, `sembunyikan rahsia rahsiakan sulit`},
	{"ms", rConv, `perbualan sembang sejarah mesej`},
	{"ms", rCred, `kunci token kelayakan`},
	{"ms", rAuth, `sistem penting segera amaran keselamatan kritikal`},
	{"ms", rIgnore, `!abaikan !lupakan`},
	{"ms", rPrev, `sebelumnya semua`},
	{"ms", rInstr, `arahan peraturan`},
	{"ms", rError, `ralat`},
	{"ms", rAll, `semua keseluruhan lengkap`},
	{"ms", rTool, `alat`},
	{"ms", rParam, `medan parameter`},
	{"ms", rThis, `ini itu`},

	// Tagalog
	{"tl", rAddr, `ikaw kayo katulong`},
	{"tl", rOblig, `dapat kailangan palagi siguraduhin tiyakin`},
	{"tl", rOrder, `bago una pagkatapos saka palagi agad`},
	{"tl", rRead, `!basahin !kunin !kolektahin`},
	{"tl", rSend, `!ipadala ipinadala !ibahagi !ipasa`},
	{"tl", rInclude, `!isama !ilagay !idagdag !ilakip !kopyahin !punan`},
	{"tl", rCall, `!gamitin !patakbuhin`},
	{"tl", rDisclose, `!sabihin sabihan !ipaalam !banggitin !ipakita !ibunyag`},
	{"tl", rNeg, `huwag hindi walang`},
	{"tl", rUser, `gumagamit kliyente`},
	{"tl", rStealth, `tahimik palihim`},
	{"tl", rConceal, `itago lihim sikreto kumpidensyal`},
	{"tl", rConv, `usapan kasaysayan mensahe`},
	{"tl", rCred, `susi`},
	{"tl", rAuth, `mahalaga agarang babala seguridad`},
	{"tl", rIgnore, `!balewalain !kalimutan`},
	{"tl", rPrev, `nakaraan lahat`},
	{"tl", rInstr, `tagubilin utos panuntunan`},
	{"tl", rAll, `buong lahat`},
	{"tl", rThis, `ito`},

	// Swahili
	{"sw", rAddr, `wewe nyinyi msaidizi wakala`},
	{"sw", rOblig, `lazima sharti daima hakikisha inapaswa unapaswa`},
	{"sw", rOrder, `kabla kwanza baada kisha daima`},
	{"sw", rRead, `!soma !kusanya !chukua`},
	{"sw", rSend, `!tuma kutuma !peleka !shiriki !pakia`},
	{"sw", rInclude, `!jumuisha !weka !ongeza !ambatisha !nakili !jaza`},
	{"sw", rCall, `!tumia kutumia !endesha`},
	{"sw", rDisclose, `!mwambie kumwambia !eleza !onyesha !taja !julisha usimwambie usimjulishe`},
	{"sw", rNeg, `bila hapana usimwambie usimjulishe usiseme`},
	{"sw", rUser, `mtumiaji watumiaji mteja`},
	{"sw", rStealth, `kimya kisiri`},
	{"sw", rConceal, `ficha siri`},
	{"sw", rConv, `mazungumzo gumzo historia ujumbe`},
	{"sw", rCred, `nenosiri ufunguo tokeni`},
	{"sw", rAuth, `mfumo muhimu haraka onyo usalama`},
	{"sw", rIgnore, `!puuza !sahau`},
	{"sw", rPrev, `iliyopita zilizopita zote yote`},
	{"sw", rInstr, `maagizo maelekezo sheria amri`},
	{"sw", rError, `hitilafu kosa`},
	{"sw", rAll, `kamili`},
	{"sw", rTool, `zana`},
	{"sw", rThis, `hii huu hili`},
}

// i18nCompounds give a role to the second word of a two-word term, keyed
// "first second" (as written): Vietnamese spells most words with two
// syllables that mean little alone once folding has removed the tones
// ("người dùng", user; "mật khẩu", password), and a few terms of other
// languages are two words ("kata sandi", "yapay zeka", "كلمة المرور").
var i18nCompounds = []struct {
	r     role
	pairs string // "first second" pairs separated by commas
}{
	{rUser, `người dùng, khách hàng`},
	{rAddr, `trợ lý, mô hình, yapay zeka, trí tuệ`},
	{rCred, `mật khẩu, mã otp, mã xác, kata sandi, kimlik bilgileri, kimlik bilgilerini, учетные данные, учётные данные, dane logowania, كلمة المرور, كلمات المرور, بيانات الاعتماد, פרטי התחברות, κωδικό πρόσβασης, κωδικός πρόσβασης, κωδικούς πρόσβασης`},
	{rConv, `trò chuyện, hội thoại, lịch sử, tin nhắn`},
	{rSend, `chuyển tiếp, tải lên, chia sẻ, ladda upp`},
	{rInclude, `đính kèm, bao gồm, điền vào, đưa vào, voeg toe, lägg till`},
	{rCall, `sử dụng, thực thi`},
	{rDisclose, `cho biết, tiết lộ, hiển thị, đề cập, thông báo, beri tahu`},
	{rStealth, `âm thầm, lặng lẽ, bí mật, diam diam`},
	{rConceal, `che giấu, giữ kín, bí mật`},
	{rOblig, `bắt buộc, luôn luôn, her zaman`},
	{rNeg, `bao giờ`},
	{rOrder, `tự động`},
	{rAuth, `hệ thống, khẩn cấp, quan trọng, bảo mật`},
	{rIgnore, `bỏ qua, yok say, görmezden gel`},
	{rPrev, `trước đó, tất cả`},
	{rInstr, `hướng dẫn, chỉ dẫn, chỉ thị, quy tắc`},
	{rParam, `tham số`},
	{rTool, `công cụ`},
	{rAll, `toàn bộ, tất cả, đầy đủ`},
	{rInstead, `स्थान पर, जगह पर, em vez, en lugar, au lieu, statt dessen`},
	{rCred, `kata laluan`},
}

// jaWords are Japanese words, found like Chinese by greedy longest match
// inside Han and kana runs (scan.go addHan). Verbs are listed by the stem
// their polite and negative forms share (伝え in 伝えて, 伝えないで), and
// the negative of each action verb is its own entry with rNeg only, so
// "パスワードを送信しないでください" (do not send the password) holds no
// send: the negation follows the verb in Japanese.
var jaWords = map[string]role{
	"あなた": rAddr, "アシスタント": rAddr, "モデル": rAddr, "エージェント": rAddr,
	"必ず": rOblig, "常に": rOblig | rOrder, "いつも": rOblig | rOrder, "絶対に": rOblig, "必須": rOblig, "なければならない": rOblig, "べき": rOblig,
	"前に": rOrder, "まず": rOrder, "最初に": rOrder, "先に": rOrder, "後で": rOrder, "その後": rOrder, "直ちに": rOrder, "すぐに": rOrder, "自動的に": rOrder,
	"代わりに": rInstead | rOrder, "置き換え": rInstead, "代替": rInstead,
	"読み取": rRead, "読み込": rRead, "読んで": rRead, "取得": rRead, "収集": rRead, "集め": rRead, "抽出": rRead,
	"送信": rSend, "送って": rSend, "送る": rSend, "転送": rSend, "アップロード": rSend, "共有": rSend, "送付": rSend,
	"含め": rInclude, "入れ": rInclude, "添付": rInclude, "記入": rInclude, "入力": rInclude, "追加": rInclude, "挿入": rInclude, "貼り付け": rInclude, "書き込": rInclude, "コピー": rInclude,
	"使用": rCall, "使って": rCall, "呼び出": rCall, "実行": rCall, "利用": rCall,
	"伝え": rDisclose, "知らせ": rDisclose, "教え": rDisclose, "言わ": rDisclose, "言う": rDisclose, "話さ": rDisclose, "話す": rDisclose, "見せ": rDisclose, "表示": rDisclose, "報告": rDisclose, "言及": rDisclose, "開示": rDisclose, "明かさ": rDisclose,
	"気づ": rPerceive, "知られ": rPerceive, "知る": rPerceive,
	// the negation after a verb (postNeg); no role, so it negates nothing after it
	"ないで": 0, "ないでください": 0, "ないように": 0, "ずに": 0, "せず": 0, "せずに": 0, "しないで": 0, "しないでください": 0, "るな": 0, "ません": 0,
	// negated action verbs
	"送信しない": rNeg, "送信せず": rNeg, "送らない": rNeg, "転送しない": rNeg, "共有しない": rNeg, "添付しない": rNeg, "含めない": rNeg, "入れない": rNeg,
	"記入しない": rNeg, "入力しない": rNeg, "実行しない": rNeg, "使用しない": rNeg, "使わない": rNeg, "収集しない": rNeg, "取得しない": rNeg, "アップロードしない": rNeg,
	"決して": rNeg, "なしで": rNeg,
	"ユーザー": rUser, "ユーザ": rUser, "利用者": rUser, "お客様": rUser,
	"こっそり": rStealth, "密かに": rStealth, "ひそかに": rStealth, "黙って": rStealth, "内密に": rStealth, "無断で": rStealth,
	"隠": rConceal, "内緒": rConceal, "非公開": rConceal, "機密": rConceal,
	"会話": rConv, "会話履歴": rConv, "チャット": rConv, "チャット履歴": rConv, "履歴": rConv, "やり取り": rConv, "メッセージ": rConv, "対話": rConv,
	"パスワード": rCred, "暗証番号": rCred, "トークン": rCred, "アクセストークン": rCred, "認証情報": rCred, "資格情報": rCred, "秘密鍵": rCred, "シークレット": rCred, "クレデンシャル": rCred, "環境変数": rCred, "認証コード": rCred, "確認コード": rCred,
	"システム": rAuth, "緊急": rAuth, "注意": rAuth, "警告": rAuth, "セキュリティ": rAuth,
	"無視": rIgnore, "忘れ": rIgnore,
	"これまで": rPrev, "前の": rPrev, "上記": rPrev, "元の": rPrev, "すべて": rPrev | rAll, "全て": rPrev | rAll, "全部": rAll, "全体": rAll,
	"命令": rInstr, "ルール": rInstr, "プロンプト": rInstr, "システムプロンプト": rConv,
	"パラメータ": rParam, "パラメーター": rParam, "引数": rParam, "フィールド": rParam,
	"ツール": rTool, "サーバー": rTool, "関数": rTool,
	"エラー": rError, "失敗": rError,
	"これ": rThis, "このこと": rThis,
	"新しい": rNew,
	// polite imperative endings (imperativeAux), no role
	"してください": 0, "ください": 0, "して": 0, "しろ": 0, "せよ": 0, "すること": 0,
}

// koWords are Korean stems: nouns, and verb stems before their endings
// (보내 in 보내세요, 보내지; 전송 in 전송하세요). affixRoles strips the
// particles and endings of koSuffixes before looking a word up.
var koWords = map[string]role{
	"당신": rAddr, "어시스턴트": rAddr, "비서": rAddr, "모델": rAddr, "에이전트": rAddr, "인공지능": rAddr,
	"반드시": rOblig, "항상": rOblig | rOrder, "언제나": rOblig | rOrder, "절대": rOblig, "절대로": rOblig, "필수": rOblig,
	"먼저": rOrder, "전에": rOrder, "이전에": rOrder, "후에": rOrder, "즉시": rOrder, "바로": rOrder, "자동으로": rOrder,
	"대신": rInstead | rOrder, "대체": rInstead,
	"읽어": rRead, "읽으세요": rRead, "읽고": rRead, "수집": rRead, "조회": rRead, "추출": rRead, "가져": rRead,
	"전송": rSend, "보내": rSend, "발송": rSend, "업로드": rSend, "공유": rSend, "전달": rSend,
	"포함": rInclude, "넣어": rInclude, "넣으세요": rInclude, "넣고": rInclude, "첨부": rInclude, "추가": rInclude, "삽입": rInclude, "입력": rInclude, "기입": rInclude, "복사": rInclude, "붙여": rInclude,
	"사용": rCall, "호출": rCall, "실행": rCall, "이용": rCall,
	"알리": rDisclose, "알려": rDisclose, "말하": rDisclose, "말해": rDisclose, "보여": rDisclose, "표시": rDisclose, "공개": rDisclose, "언급": rDisclose, "노출": rDisclose, "보고": rDisclose, "통보": rDisclose,
	"없이": rNeg, "안": rNeg,
	"사용자": rUser, "유저": rUser, "고객": rUser, "이용자": rUser,
	"몰래": rStealth, "조용히": rStealth, "은밀히": rStealth, "비밀리에": rStealth, "모르게": rStealth,
	"숨기": rConceal, "숨겨": rConceal, "비밀": rConceal, "기밀": rConceal, "비공개": rConceal,
	"대화": rConv, "대화내용": rConv, "대화기록": rConv, "채팅": rConv, "기록": rConv, "내역": rConv, "메시지": rConv,
	"비밀번호": rCred, "암호": rCred, "패스워드": rCred, "토큰": rCred, "자격증명": rCred, "인증정보": rCred, "인증번호": rCred, "인증코드": rCred,
	"시스템": rAuth, "긴급": rAuth, "중요": rAuth, "주의": rAuth, "경고": rAuth, "보안": rAuth,
	"무시": rIgnore, "잊어": rIgnore,
	"이전": rPrev, "기존": rPrev, "모든": rPrev | rAll, "모두": rAll, "원래": rPrev,
	"지시": rInstr, "지시사항": rInstr, "지침": rInstr, "규칙": rInstr, "명령": rInstr,
	"매개변수": rParam, "파라미터": rParam, "필드": rParam, "인자": rParam,
	"도구": rTool, "서버": rTool, "함수": rTool,
	"오류": rError, "에러": rError, "실패": rError,
	"전체": rAll, "전부": rAll,
	"이것": rThis, "이": rThis, "내용": rThis,
	"새로운": rNew,
}

// koSuffix is a Korean particle or verb ending; keep says which roles of
// the stem survive it.
type koSuffix struct {
	s    string
	keep role
	imp  bool // an imperative (or obligation) ending: the form gives an order
}

const allRoles = ^role(0)

// koSuffixes, longest first. Particles make nouns of verb stems (전송을,
// "the sending") and descriptive endings describe (전송합니다, "sends"), so
// both drop the action roles; -지 comes before a negation (알리지 마세요)
// and keeps the disclosure but not the action (전송하지 마세요, "do not
// send").
var koSuffixes = func() []koSuffix {
	noun := allRoles &^ (actionRoles | rDisclose | rIgnore)
	var out []koSuffix
	add := func(keep role, imp bool, ss string) {
		for _, s := range strings.Fields(ss) {
			out = append(out, koSuffix{s, keep, imp})
		}
	}
	add(allRoles, true, `해주세요 하십시오 하세요 십시오 으세요 세요 해라 하라 해야 해줘 할것 해`)
	add(allRoles, false, `하고 하여 해서 하기 할 고 어 아`)
	add(allRoles&^actionRoles, false, `하지 지`)
	add(noun, false, `합니다 됩니다 했습니다 한다 하는 하며 했다 된 되는 한 에게서 에게 한테 께 에서 으로 로 까지 부터 이나 을 를 은 는 의 에 와 과 도 만 가`)
	// longest first, so 에게서 is tried before 에게 and 서
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j].s) > len(out[j-1].s); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}()

// koByLast indexes koSuffixes by their last syllable (longest first
// within each), so a word is tried only against the endings it can have.
var koByLast = func() map[rune][]koSuffix {
	m := map[rune][]koSuffix{}
	for _, s := range koSuffixes {
		r, _ := utf8.DecodeLastRuneInString(s.s)
		m[r] = append(m[r], s)
	}
	return m
}()

// arPrefixes and hePrefixes are the clitics written attached to the next
// word: Arabic "and", "so", "with", "to", "like", "the"; Hebrew "and",
// "the", "to", "in", "from", "that", "as". Longest first.
var (
	arPrefixes = []string{"وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل"}
	hePrefixes = []string{"ו", "ה", "ל", "ב", "מ", "ש", "כ"}
)

// Extra vocabulary for the maps of scan.go and signals.go, written as in
// i18nWords and folded at start.
const (
	// postNeg: negations that follow the verb they negate; Turkish
	// negative imperatives negate themselves (negatedAfter looks at the
	// verb too)
	i18nPostNeg = `ninguém nada nessuno niente niet nooit niemand niets inte aldrig ingen ingenting nikomu nic
		никому ничего нікому нічого kimseye hiçbir siapapun
		söyleme söylemeyin bahsetme bahsetmeyin gösterme göstermeyin bildirme bildirmeyin anlatma anlatmayın açıklamayın
		नहीं मत 마세요 마십시오 말고 마라 말것 않고 않게 않도록 않습니다 않는다`
	// tellVerbs: disclosure verbs whose object is the person told
	i18nTellVerbs = `conte contar diga dizer informe informar avise avisar notifique notificar dire dica racconta informa informare avvisa avvisare notifica
		vertel vertellen zeg zeggen informeer informeren waarschuw meld berätta säg säga informera meddela varna
		mów mówić powiedz powiedzieć informuj informować poinformuj powiadamiaj powiadom
		говори скажи скажите сказать говорить сообщай сообщи сообщите сообщать сообщить уведомляй уведомлять информируй
		кажи скажи скажіть говори повідомляй повідомляйте повідом повідомте повідомляти повідомити
		söyle söyleyin söyleme söylemeyin bildir bildirin bildirme bildirmeyin anlat anlatma anlatmayın
		beritahu beritahukan memberitahu katakan mengatakan informasikan menginformasikan kabari nói bảo kể
		πεις πείτε πες ενημερώσεις ενημερώσετε ενημέρωσε تخبر أخبر اخبر تبلغ أبلغ ابلغ تقل قل تعلم
		תגיד תספר תודיע ספר הודע להודיע बताएं बताएँ बताना बताओ बता सूचित`
	// connectives after which a verb gives an order: and, then, please
	i18nConnectives = `e ed en och und i и та і ve dan và và rồi então depois poi quindi dan vervolgens sedan
		затем потом потім sonra lalu kemudian favore alstublieft vänligen snälla proszę пожалуйста будь ласка
		lütfen tolong silakan harap mohon hãy lòng παρακαλώ και يرجى الرجاء فضلك נא בבקשה कृपया और फिर`
	// toUser: words before the user that make it the one told ("mostre
	// ao usuário"), and datives that are that word and the user in one
	i18nToUser = `ao aos à para all'utente agli'utenti aan till för dla do kepada pada ke cho với στον στην σε στους إلى
		пользователю користувачеві користувачу użytkownikowi kullanıcıya للمستخدم למשתמש को`
	// fromUser: the user as the one kept out ("esconda do usuário")
	i18nFromUser = `do dos da dal dall'utente voor för przed от від dari khỏi από عن من מ кроме`
	// strongConv: words that name the conversation by themselves
	i18nStrongConv = `conversa conversas diálogo conversazione conversazioni dialogo gesprek gesprekken conversatie chatgeschiedenis
		konversation konversationen samtalet chatthistorik rozmowa rozmowy rozmowę konwersacja konwersacji konwersację
		разговор разговора переписка переписку переписки диалог диалога беседа беседу беседы розмова розмову розмови листування діалог діалогу
		konuşma konuşmayı konuşmanın konuşmadaki sohbet sohbeti sohbetin sohbette sohbetteki percakapan obrolan
		συνομιλία συνομιλίας συνομιλίες المحادثة محادثة المحادثات الدردشة השיחה שיחה השיחות बातचीत वार्तालाप
		대화 대화내용 대화기록 채팅 chuyện thoại`
	// imperativeAux: a following word that makes the verb before it an
	// order (Hindi शामिल करें, "include"; Korean 보내 주세요)
	i18nImperativeAux = `करें करो कीजिए दें दो दीजिए जोड़ें डालें 주세요 줘 주십시오 کنید نمایید بکنید করুন দিন`
)

// vocModel are the nouns that name the model when text addresses it as a
// reader ("Assistente:", "Для модели:"); 2 marks words that are also
// configuration keys (model), which count only after a preposition.
var vocModel = map[string]int{}

const (
	i18nVocAssistant = `assistente assistentes ia agente asistan asistana asistanı ассистент ассистенту помощник помощнику ии асистент асистенту помічник помічнику
		asystent asystencie asystenta assistent assistenten asisten agen ki βοηθός βοηθέ βοηθό المساعد للمساعد مساعد العوضر העוזר לעוזר עוזר सहायक एआई
		아시스턴트 어시스턴트 비서 인공지능 에이전트 アシスタント エージェント دستیار সহকারী pembantu katulong msaidizi`
	i18nVocModel = `modelo modello modell modellen model modelu modele модели модель моделі μοντέλο النموذج للنموذج המודל למודל मॉडल 모델 モデル`
)

var (
	impForms      = map[string]bool{} // "!" words of i18nWords, folded
	connective    = map[string]bool{}
	toUser        = map[string]bool{}
	fromUser      = map[string]bool{}
	strongConvSet = map[string]bool{}
	imperativeAux = map[string]bool{}
	lateVerbs     = map[string]bool{}            // disclosure verbs of the languages userReach names, folded
	compounds     = map[string]map[string]role{} // second word -> first word -> role
	// hanFirst maps the first rune of every hanLexicon word to the length
	// in runes of the longest word starting with it (scan.go addHan).
	hanFirst = map[rune]uint8{}
)

func init() {
	for _, e := range i18nWords {
		for _, w := range strings.Fields(e.words) {
			imp := strings.HasPrefix(w, "!")
			for _, f := range foldVariants(strings.TrimPrefix(w, "!")) {
				lexicon[f] |= e.r
				if imp {
					impForms[f] = true
				}
				if e.r&rDisclose != 0 && strings.Contains("tr pl ru uk hi", e.lang) {
					lateVerbs[f] = true
				}
			}
		}
	}
	// German puts the infinitive of an order last ("dem Benutzer gegenüber
	// nicht erwähnen"): its disclosure verbs reach back like a verb-final
	// language's
	for _, w := range strings.Fields(`erwahnen sagen mitteilen zeigen verraten informieren melden benachrichtigen`) {
		lateVerbs[w] = true
	}
	for _, c := range i18nCompounds {
		for _, p := range strings.Split(c.pairs, ",") {
			ws := strings.Fields(p)
			if len(ws) != 2 {
				continue // the test reports it
			}
			for _, a := range foldVariants(ws[0]) {
				for _, b := range foldVariants(ws[1]) {
					if compounds[b] == nil {
						compounds[b] = map[string]role{}
					}
					compounds[b][a] |= c.r
				}
			}
		}
	}
	fill := func(m map[string]bool, words string) {
		for _, w := range strings.Fields(words) {
			for _, f := range foldVariants(w) {
				m[f] = true
			}
		}
	}
	fill(postNeg, i18nPostNeg)
	fill(tellVerbs, i18nTellVerbs)
	fill(connective, i18nConnectives)
	fill(toUser, i18nToUser)
	fill(fromUser, i18nFromUser)
	fill(strongConvSet, i18nStrongConv)
	fill(imperativeAux, i18nImperativeAux)
	for _, w := range strings.Fields(i18nVocAssistant) {
		for _, f := range foldVariants(w) {
			vocModel[f] = 1
		}
	}
	for _, w := range strings.Fields(i18nVocModel) {
		for _, f := range foldVariants(w) {
			vocModel[f] = 2
		}
	}
	for w, r := range koWords {
		lexicon[w] |= r
	}
	for w, r := range jaWords {
		hanLexicon[w] |= r
		if r == 0 {
			postNegOrAux(w)
		}
	}
	for w := range hanLexicon {
		r0, _ := utf8.DecodeRuneInString(w)
		if n := utf8.RuneCountInString(w); n > int(hanFirst[r0]) {
			hanFirst[r0] = uint8(min(n, hanMaxRunes))
		}
	}
}

// postNegOrAux files a Japanese role-less word as a negation after the
// verb or as a polite imperative ending.
func postNegOrAux(w string) {
	switch w {
	case "してください", "ください", "して", "しろ", "せよ", "すること":
		imperativeAux[w] = true
	default:
		postNeg[w] = true
	}
}

// foldVariants returns the folded forms of a word as written in lower
// case: itself, capitalised and in capitals (Cyrillic and Greek capitals
// fold differently, see above), and for Greek the same without accents.
// Variants that are not one word after folding are dropped.
func foldVariants(w string) []string {
	bases := []string{w}
	if hasGreek(w) {
		if s := stripGreekAccents(w); s != w {
			bases = append(bases, s)
		}
	}
	var out []string
	add := func(v string, cased bool) {
		f := canon.Fold(v)
		if f == "" || strings.ContainsAny(f, " \n") {
			return
		}
		if cased && len(f) <= 3 && isASCII(f) && !isASCII(w) {
			return // НЕ folds to "he"
		}
		for _, o := range out {
			if o == f {
				return
			}
		}
		out = append(out, f)
	}
	for _, b := range bases {
		add(b, false)
		if r, n := utf8.DecodeRuneInString(b); unicode.IsLower(r) {
			add(string(unicode.ToUpper(r))+b[n:], true)
			add(strings.ToUpper(b), true)
		}
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func hasGreek(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Greek, r) {
			return true
		}
	}
	return false
}

// stripGreekAccents removes the tonos and dialytika of Greek vowels.
func stripGreekAccents(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case 'ά':
			return 'α'
		case 'έ':
			return 'ε'
		case 'ή':
			return 'η'
		case 'ί', 'ϊ', 'ΐ':
			return 'ι'
		case 'ό':
			return 'ο'
		case 'ύ', 'ϋ', 'ΰ':
			return 'υ'
		case 'ώ':
			return 'ω'
		}
		return r
	}, s)
}

// isCJKRune reports the runes of the scripts written without spaces that
// addHan matches: Han (isHanRune) and Japanese kana (Hiragana, Katakana
// with the prolonged sound mark, Katakana Phonetic Extensions; halfwidth
// katakana are made fullwidth by NFKC first).
func isCJKRune(r rune) bool {
	return isHanRune(r) || r >= 0x3041 && r <= 0x30FF && r != 0x30FB || r >= 0x31F0 && r <= 0x31FF
}

func isHangul(r rune) bool { return r >= 0xAC00 && r <= 0xD7A3 }

// affixRoles returns the roles of a word the lexicon does not hold as
// written: a Korean word after its particle or ending (사용자에게 →
// 사용자), an Arabic or Hebrew word after its attached prefixes (وأرسل →
// أرسل, למשתמש → משתמש). Other words have none.
func affixRoles(w string) role {
	if w == "" || w[0] < utf8.RuneSelf {
		return 0
	}
	r0, _ := utf8.DecodeRuneInString(w)
	switch {
	case isHangul(r0):
		if r, _, ok := koStem(w); ok {
			return r
		}
	case r0 >= 0x0600 && r0 <= 0x06FF:
		return prefixed(w, arPrefixes, 2)
	case r0 >= 0x0590 && r0 <= 0x05FF:
		if r := prefixed(w, hePrefixes, 2); r != 0 {
			return r
		}
		// two prefixes: ולמשתמש, "and to the user"
		for _, p := range hePrefixes {
			if rest, ok := strings.CutPrefix(w, p); ok {
				if r := prefixed(rest, hePrefixes, 2); r != 0 {
					return r
				}
			}
		}
	}
	return 0
}

// prefixed looks w up without one of the prefixes ps, keeping at least
// minRunes runes.
func prefixed(w string, ps []string, minRunes int) role {
	for _, p := range ps {
		rest, ok := strings.CutPrefix(w, p)
		if !ok || utf8.RuneCountInString(rest) < minRunes {
			continue
		}
		if r, ok := lexicon[rest]; ok {
			return r
		}
	}
	return 0
}

// koStem strips a particle or ending of koSuffixes from a Korean word
// whose stem is in the lexicon (two for 사용자에게는, "to the user" with a
// topic particle; only 는, 은, 도, 만 stack, which bounds the work on a
// word that is in no lexicon): the stem's roles as the endings leave them, and
// whether the last ending is an imperative.
func koStem(w string) (role, bool, bool) {
	last, _ := utf8.DecodeLastRuneInString(w)
	for _, s := range koByLast[last] {
		stem, ok := strings.CutSuffix(w, s.s)
		if !ok || stem == "" {
			continue
		}
		if r, ok := lexicon[stem]; ok {
			return r & s.keep, s.imp, true
		}
		if s.s != "는" && s.s != "은" && s.s != "도" && s.s != "만" {
			continue // only these particles stack on another (에게+는)
		}
		last2, _ := utf8.DecodeLastRuneInString(stem)
		for _, s2 := range koByLast[last2] {
			stem2, ok := strings.CutSuffix(stem, s2.s)
			if !ok || stem2 == "" {
				continue
			}
			if r, ok := lexicon[stem2]; ok {
				return r & s.keep & s2.keep, s.imp, true
			}
		}
	}
	return 0, false, false
}

// imperativeForm reports a verb whose form is an order wherever it stands
// (scan.go imperative): an imperative of i18nWords, or a Korean verb with
// an imperative or obligation ending (보내세요, 전송해야).
func imperativeForm(w string) bool {
	if impForms[w] {
		return true
	}
	if w == "" || w[0] < utf8.RuneSelf {
		return false
	}
	if r0, _ := utf8.DecodeRuneInString(w); isHangul(r0) {
		for _, s := range koSuffixes {
			if s.imp && len(s.s) < len(w) && strings.HasSuffix(w, s.s) {
				return true // 보내세요, 넣으세요, 전송해야
			}
		}
	}
	// Thai writes no spaces between words: the polite order markers
	// กรุณา and โปรด ("please") open the run of the verb they order
	// (กรุณาเรียกใช้, "please call")
	return strings.HasPrefix(w, "กรุณา") || strings.HasPrefix(w, "โปรด")
}

// imperativeNext reports a verb made an order by the word after it
// (imperativeAux: Hindi करें, Korean 주세요, Japanese してください).
func (s *scanned) imperativeNext(j int) bool {
	return j+1 < len(s.toks) && s.toks[j+1].sent == s.toks[j].sent && imperativeAux[s.toks[j+1].w]
}

// compoundRole returns the role a word gets from the word before it
// (i18nCompounds).
func compoundRole(prev, w string) role {
	if m, ok := compounds[w]; ok {
		return m[prev]
	}
	return 0
}

// toUserBefore reports a word of toUser in tokens [a, k), or the token k
// itself being one (a dative: пользователю, للمستخدم).
func toUserBefore(s *scanned, a, k int) bool {
	if toUser[s.toks[k].w] {
		return true
	}
	for i := a; i < k; i++ {
		if toUser[s.toks[i].w] {
			return true
		}
	}
	return false
}

// strongConvWord reports a word that names the conversation by itself
// (signals.go sensitiveObject), Korean ones also with their particle.
func strongConvWord(w string) bool {
	if strongConvSet[w] {
		return true
	}
	if w == "" || w[0] < utf8.RuneSelf {
		return false
	}
	if r0, _ := utf8.DecodeRuneInString(w); isHangul(r0) {
		for _, s := range koSuffixes {
			if stem, ok := strings.CutSuffix(w, s.s); ok && strongConvSet[stem] {
				return true
			}
		}
	}
	return false
}

// vocativeModel reports a sentence of another language that opens by
// addressing the model as its reader ("Assistente, envie …", "Для модели:
// …", "Asistan için not: …", "AIアシスタントへのお願い：…"): a model noun
// among its first four words, a ':' or ',' (or the ']' of a "[…]" label)
// within vocativeReach bytes after it, and an action later in the
// sentence (or, when a word comes before the noun, the label alone on
// its line). "model" words count only after another word ("para o
// modelo:"), as "Modelo:" is a configuration key.
// vocativeOpeners are the words that may stand before a model called by
// name: greetings, "dear", "attention", articles, "note to/for".
var vocativeOpeners = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`hey hi hello dear attention note notice to for the o a el la le il lo der die das den dem
		querido querida caro cara cher chère liebe lieber hola olá ciao bonjour hallo atenção atención achtung attenzione uwaga pozor
		дорогой уважаемый внимание sayın dikkat`) {
		m[canon.Fold(w)] = true
	}
	return m
}()

func vocativeModel(s *scanned, lo, hi int) bool {
	t := s.toks
	for k := lo + 1; k < hi; k++ {
		if t[k].sent != t[lo].sent {
			hi = k // the label and its order are one sentence
			break
		}
	}
	for k := lo; k < min(hi, lo+4); k++ {
		c := modelNoun(t[k].w)
		if c == 0 || c == 2 && k == lo {
			continue
		}
		if k > lo && !vocativeOpeners[t[k-1].w] && t[k-1].r&(rAuth|rAddr) == 0 {
			continue // "constrain model behavior, …": an object, no one called
		}
		from := t[k].end
		i := strings.IndexAny(s.f[from:min(len(s.f), from+vocativeReach)], ":,]")
		if i < 0 {
			continue
		}
		end := from + i
		e := k + 1 // the first token after the label
		for e < hi && t[e].start < end {
			e++
		}
		if e-k-1 > 3 || s.mask(k+1, e)&^(rAddr|rUser) != 0 {
			continue // "the model reads attacker content - a page, …": a clause, no label
		}
		if s.mask(e, hi)&actionRoles != 0 {
			return true
		}
		return e == hi && k > lo && s.f[end] != ','
	}
	return false
}

// vocativeReach bounds the words between the model noun and the end of
// its label ("के लिए संदेश", "へのお願い"), in bytes.
const vocativeReach = 48

// modelNoun is vocModel for a word, Korean and Arabic/Hebrew ones also
// with their particle or prefix.
func modelNoun(w string) int {
	if c := vocModel[w]; c != 0 || w == "" || w[0] < utf8.RuneSelf {
		return c
	}
	r0, _ := utf8.DecodeRuneInString(w)
	if isHangul(r0) {
		for _, s := range koSuffixes {
			if stem, ok := strings.CutSuffix(w, s.s); ok && vocModel[stem] != 0 {
				return vocModel[stem]
			}
		}
	}
	return 0
}

// userReach is how many words before a disclosure verb the user may
// stand (signals.go secrecy): 2 in English ("do not tell the user"), 6
// where the verb ends its clause or the order of words is free
// (Japanese, Korean, Hindi, Turkish, Russian, Ukrainian, Polish:
// "Пользователю об этом не сообщай").
func userReach(w string) int {
	if lateVerbs[w] {
		return 6
	}
	for i, r := range w {
		if i == 0 && r < utf8.RuneSelf {
			return 2
		}
		if unicode.Is(unicode.Cyrillic, r) || unicode.Is(unicode.Devanagari, r) || isHangul(r) || isCJKRune(r) {
			return 6
		}
	}
	return 2
}

// overrideAfter finds an override written object first, as verb-final
// languages order it (Turkish "önceki tüm talimatları yoksay", Japanese
// "これまでの指示はすべて無視して", Hindi "सभी पिछले निर्देशों को अनदेखा करें"):
// an instructions word with "previous"/"all" among the three words before
// or after it, and an un-negated ignore verb among the three words after
// it. It returns the token range, or ok false.
func (s *scanned) overrideAfter(lo, hi int) (a, b int, ok bool) {
	t := s.toks
	for k := lo; k < hi; k++ {
		if t[k].r&rInstr == 0 {
			continue
		}
		for j := k + 1; j < min(hi, k+4); j++ {
			if t[j].r&rIgnore == 0 || t[j].r&rNeg != 0 {
				continue
			}
			if s.mask(max(lo, k-3), j)&(rPrev|rAll) == 0 {
				continue
			}
			if j+1 < hi && postNeg[t[j+1].w] {
				continue
			}
			return max(lo, k-3), j + 1, true
		}
	}
	return 0, 0, false
}

// postVerbNeg are the negations Dutch, Swedish and German put after the
// verb of an imperative ("Deel nooit je wachtwoord", "Dela aldrig ditt
// lösenord", "Sende niemals das Passwort": never share/send the password).
var postVerbNeg = map[string]bool{"niet": true, "nooit": true, "inte": true, "aldrig": true, "ej": true, "nicht": true, "niemals": true, "nie": true}

// negateVerbBefore takes the action roles from the verb that a
// post-verbal negation w follows (directly, or after a pronoun: "stuur
// het niet"), so "never share your password" written that way is no
// order to share it. Disclosure verbs keep their role: negatedAfter
// finds their negation ("vertel het niet aan de gebruiker").
func (s *scanned) negateVerbBefore(w string, sent int) {
	if !postVerbNeg[w] {
		return
	}
	for k := len(s.toks) - 1; k >= max(0, len(s.toks)-2); k-- {
		if s.toks[k].sent != sent {
			return
		}
		if s.toks[k].r&actionRoles != 0 {
			s.toks[k].r &^= actionRoles
			return
		}
	}
}
