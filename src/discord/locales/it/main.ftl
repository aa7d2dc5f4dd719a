# licensebot — italiano (it). Termini dell'interfaccia di amministrazione di Microsoft 365:
# codice Product Key, abbonamento, licenza/licenze, riscattare, estendere la data di fine.
# Registro: "tu", come Microsoft Italia. Discord mostra <@user>, <#channel>, <@&role> e <t:unix:style> nell'ora di chi legge.

## Comandi (nomi: minuscole, senza spazi, al massimo 32 caratteri)
cmd-add-licenses-name = aggiungi-licenze
cmd-add-licenses-desc = Aggiungi licenze a un abbonamento con codici Product Key prepagati
cmd-extend-name = estendi
cmd-extend-desc = Estendi la data di fine di un abbonamento con codici Product Key prepagati
cmd-activate-name = attiva
cmd-activate-desc = Avvia un nuovo abbonamento con codici Product Key prepagati
cmd-subscriptions-name = abbonamenti
cmd-subscriptions-desc = I tuoi prodotti: gli abbonamenti di questo server
cmd-redemptions-name = riscatti
cmd-redemptions-desc = I riscatti effettuati in questo server, dal più recente
cmd-settings-name = impostazioni
cmd-settings-desc = Le impostazioni di licensebot per questo server
cmd-settings-notices-name = notifiche
cmd-settings-notices-desc = Dove vengono pubblicate le notifiche su riscatti e abbonamenti
cmd-settings-manager-role-name = ruolo-gestore
cmd-settings-manager-role-desc = Un ruolo i cui membri possono usare licensebot senza Gestisci server
opt-subscription-name = abbonamento
opt-subscription-desc = L'abbonamento
opt-name-name = nome
opt-name-desc = Il nome del nuovo abbonamento, univoco in questo server
opt-keys-name = codici
opt-keys-desc = Uno o più codici Product Key (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX), separati da spazi o virgole
opt-channel-name = canale
opt-channel-desc = Il canale per le notifiche
opt-role-name = ruolo
opt-role-desc = Il ruolo gestore; omettilo per rimuoverlo

## Parole
kind-add-licenses = Aggiungi licenze
kind-extend = Estendi la data di fine
kind-activate = Nuovo abbonamento
state-active = Attivo
state-expired = Scaduto
state-disabled = Disabilitato
state-deleted = Eliminato
licenses = { $count ->
    [one] 1 licenza
   *[other] { $count } licenze
}
product-keys = { $count ->
    [one] 1 codice Product Key
   *[other] { $count } codici Product Key
}
term-months = { $count ->
    [one] 1 mese
   *[other] { $count } mesi
}
term-days = { $count ->
    [one] 1 giorno
   *[other] { $count } giorni
}

## Codici rifiutati (un messaggio per causa)
refusal-character = `{ $masked }` non è un codice Product Key valido: il carattere { $position } ('{ $found }') non è mai usato nei codici Product Key.
refusal-length = `{ $masked }` non è un codice Product Key valido: ha { $found } caratteri, mentre i codici Product Key ne hanno 25.
refusal-unknown = Il codice Product Key che termina con `{ $tail }` non è valido. Controllalo e riprova.
refusal-redeemed = Il codice Product Key che termina con `{ $tail }` è già stato usato. Immetti un altro codice Product Key.
refusal-revoked = Il codice Product Key che termina con `{ $tail }` è stato revocato.
refusal-expired = Il codice Product Key che termina con `{ $tail }` è scaduto.
refusal-other-product = Il codice Product Key che termina con `{ $tail }` è per *{ $key_product }*, non per *{ $subscription_product }*.
refusal-repeated = Hai già immesso questo codice Product Key (`{ $masked }`).
refusal-repeated-unnamed = Hai già immesso questo codice Product Key.
refusal-nothing-changed = Non è stato modificato nulla.

## Ordini rifiutati
error-not-in-guild = licensebot funziona solo nei server.
error-not-allowed = Per usare licensebot ti serve l'autorizzazione Gestisci server, oppure il ruolo gestore.
error-settings-not-allowed = Per modificare le impostazioni di licensebot ti serve l'autorizzazione Gestisci server.
error-subscription-not-found = Questo server non ha un abbonamento simile. Scegline uno dall'elenco.
error-name-empty = Dai un nome al nuovo abbonamento.
error-name-too-long = Il nome di un abbonamento ha al massimo { $max } caratteri; questo ne ha { $found }.
error-name-control = Il nome di un abbonamento non può contenere interruzioni di riga, caratteri di controllo o caratteri invisibili o che cambiano la direzione del testo, come lo spazio a larghezza zero (carattere { $position }).
error-name-taken = Questo server ha già un abbonamento di nome *{ $subscription }*. Scegli un altro nome, oppure aggiungi licenze a quell'abbonamento con /aggiungi-licenze o estendilo con /estendi.
error-name-taken-deleted = *{ $subscription }* è il nome di un abbonamento eliminato di questo server, e un nome resta occupato anche dopo l'eliminazione del suo abbonamento. Scegli un altro nome.
error-no-keys = Immetti almeno un codice Product Key.
error-too-many-keys = Un ordine può contenere al massimo { $max } codici Product Key; così sarebbero { $entered }.
error-seat-cap = Così *{ $subscription }* avrebbe { $would_have } licenze; *{ $product }* ne consente al massimo { $max }.
error-wrong-state-add = *{ $subscription }* è nello stato { $state }: le licenze si possono aggiungere solo a un abbonamento attivo. Usa prima /estendi.
error-wrong-state-extend = *{ $subscription }* è stato eliminato; non può più essere esteso.
error-less-than-a-day = Questi codici Product Key estenderebbero *{ $subscription }* di meno di un giorno.
error-out-of-range = Questi codici Product Key sposterebbero le date oltre il calendario.
error-locked-out = Sono stati rifiutati troppi codici Product Key. Potrai immettere di nuovo codici Product Key <t:{ $until }:R>.
error-order-not-found = Questo ordine non esiste in questo server. Ricomincia con /aggiungi-licenze, /estendi o /attiva.
error-not-your-order = Questo ordine appartiene a un'altra persona.
error-order-expired = Questo ordine è scaduto. Non è stato riscattato nulla; ricomincia con /aggiungi-licenze, /estendi o /attiva.
error-order-cancelled = Questo ordine è stato annullato. Non è stato riscattato nulla.
error-order-redeemed = Questo ordine è già stato riscattato da <@{ $user }> il <t:{ $at }:f>.
error-key-taken = Il codice Product Key che termina con `{ $tail }` è già stato riscattato da <@{ $user }> il <t:{ $at }:f>. Non è stato riscattato nulla: annulla questo ordine e ricomincia senza quel codice.
error-stale-button = Questo pulsante non è più valido.
busy = licensebot è occupato; riprova tra un momento. Non è stato modificato nulla.
error-internal = Si è verificato un problema e non è stato modificato nulla. Riprova. (ID errore { $id })
error-undecodable = Non sono riuscito a leggere questa richiesta; non è stato modificato nulla.

## Riepilogo
review-title-add = Controlla l'ordine: aggiungi licenze
review-title-extend = Controlla l'ordine: estendi la data di fine
review-title-activate = Controlla l'ordine: nuovo abbonamento
review-subscription = Abbonamento
review-keys = Codici Product Key
review-key-line = `{ $masked }` · { $licenses } · { $term }
review-licenses = Licenze
review-end-date = Data di fine
review-unchanged = { $value } (invariato)
review-change = { $before } → { $after }
review-new-subscription = Nuovo abbonamento *{ $subscription }* · { $product } · { $licenses } · termina il { $ends_on }
review-ends-from-today = { $ends_on } ({ $term } da oggi, { $today })
review-seat-time = Tempo per licenza
review-seat-time-part = { $seats } × { $days } giorni
review-seat-time-sum = { $parts } = { $seat_days } giorni-licenza ÷ { $seats } licenze = { $days } giorni (arrotondato per difetto)
review-base-today = *{ $subscription }* è disabilitato, quindi l'estensione parte da oggi, { $today }.
review-coterm = Queste licenze terminano insieme all'abbonamento il { $ends_on }; usa /estendi per estenderlo.
review-expires = Questo ordine scade <t:{ $at }:R>.
button-redeem = Riscatta
button-add-key = Aggiungi un altro codice Product Key
button-cancel = Annulla
modal-title = Aggiungi un altro codice Product Key
modal-keys-label = Codici Product Key
modal-keys-placeholder = XXXXX-XXXXX-XXXXX-XXXXX-XXXXX

## Dopo l'ordine
receipt-title = Riscattato
receipt-body = Riscatto completato su *{ $subscription }*: { $keys }.
receipt-body-activate = Riscatto completato: { $keys }. *{ $subscription }* è stato avviato.
receipt-order-closed = Ordine chiuso.
cancelled = Ordine annullato. Non è stato riscattato nulla.
expired-review = Questo ordine è scaduto. Non è stato riscattato nulla; ricomincia con /aggiungi-licenze, /estendi o /attiva.

## Elenchi
subscriptions-title = I tuoi prodotti
subscriptions-empty = Questo server non ha ancora abbonamenti. Avviane uno con /attiva e i tuoi codici Product Key.
subscriptions-line = { $product } · { $assigned } · termina il { $ends_on } · **{ $state }**
redemptions-title = Riscatti
redemptions-title-for = Riscatti: { $subscription }
redemptions-empty = Ancora nessun riscatto.
redemptions-line-add = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · { $before } → { $after } licenze · { $keys }
redemptions-line-extend = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · data di fine { $before } → { $after } · { $keys }
redemptions-line-activate = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · avviato: { $licenses } fino al { $ends_on } · { $keys }
redemptions-page = Pagina { $page } di { $pages }
button-newer = Più recenti
button-older = Meno recenti

## Impostazioni
settings-notices-saved = Le notifiche verranno pubblicate in <#{ $channel }>.
settings-notices-failed = Non posso pubblicare in <#{ $channel }> ({ $reason }). Dammi le autorizzazioni Invia messaggi e Incorpora link in quel canale, oppure scegli un altro canale. Non è stato modificato nulla.
settings-notices-other-server = <#{ $channel }> non è un canale di questo server. Scegli uno dei canali di questo server. Non è stato modificato nulla.
settings-notices-hello = licensebot pubblicherà in questo canale le notifiche su riscatti e abbonamenti.
settings-role-saved = I membri di <@&{ $role }> ora possono usare licensebot. Discord mostra loro i suoi comandi solo dopo che il ruolo è stato aggiunto a licensebot: Impostazioni server → Integrazioni → licensebot → aggiungi <@&{ $role }>. /impostazioni mostra ti dice se è già fatto.

## Notifiche (nella lingua del server; mai un codice Product Key)
notice-redemption-add = <@{ $user }> ha aggiunto { $added } a *{ $subscription }*: { $before } → { $after } licenze ({ $keys }).
notice-redemption-extend = <@{ $user }> ha esteso *{ $subscription }*: data di fine { $before } → { $after } ({ $keys }).
notice-redemption-activate = <@{ $user }> ha avviato *{ $subscription }* ({ $product }): { $licenses } fino al { $ends_on }, { $keys }.
notice-reminder = *{ $subscription }* termina il { $ends_on }, { $days ->
    [0] oggi
    [one] tra 1 giorno
   *[other] tra { $days } giorni
}. Estendilo con /estendi.
notice-state-expired = *{ $subscription }* è scaduto il { $ends_on }. Per ora gli utenti mantengono l'accesso; estendilo con /estendi.
notice-state-disabled = *{ $subscription }* ora è disabilitato. Estendilo con /estendi per ripristinarlo.
notice-state-deleted = *{ $subscription }* è stato eliminato.
notice-lockout = <@{ $user }> ha immesso troppi codici Product Key non validi; l'immissione dei codici è bloccata fino alle <t:{ $until }:t>.

## Licenze assegnate ai membri
cmd-licenses-name = licenze
cmd-licenses-desc = Assegna le licenze di questo server ai membri, revocale, vedi chi le ha
cmd-licenses-assign-name = assegna
cmd-licenses-assign-desc = Assegna a un membro una licenza di un abbonamento
cmd-licenses-unassign-name = revoca
cmd-licenses-unassign-desc = Revoca a un membro la licenza di un abbonamento
cmd-licenses-list-name = elenco
cmd-licenses-list-desc = Chi ha le licenze di un abbonamento
cmd-my-licenses-name = le-mie-licenze
cmd-my-licenses-desc = Le licenze che hai in questo server
cmd-request-license-name = richiedi-licenza
cmd-request-license-desc = Chiedi agli amministratori di questo server una licenza di un abbonamento
cmd-settings-license-role-name = ruolo-licenza
cmd-settings-license-role-desc = Un ruolo che hanno i membri con una licenza di un abbonamento
opt-user-name = membro
opt-user-desc = Il membro
opt-license-role-desc = Il ruolo; omettilo per scollegare il ruolo dell'abbonamento
assigned-of = { $assigned } di { $seats } assegnate
license-assigned = <@{ $user }> ora ha una licenza di *{ $subscription }*: { $count }.
license-unassigned = <@{ $user }> non ha più una licenza di *{ $subscription }*: { $count }.
licenses-title = Licenze: { $subscription }
licenses-empty = Nessuno ha ancora una licenza di *{ $subscription }*. Assegnane una con /licenze assegna.
licenses-line = <@{ $user }> · dal <t:{ $at }:d> · da <@{ $by }>
licenses-line-requested = <@{ $user }> · dal <t:{ $at }:d> · approvata da <@{ $by }> su richiesta
licenses-line-operator = <@{ $user }> · dal <t:{ $at }:d> · dalla riga di comando
licenses-role = Ruolo licenza: <@&{ $role }>
licenses-page = Pagina { $page } di { $pages }
my-licenses-title = Le tue licenze
my-licenses-empty = Non hai licenze in questo server. Chiedine una con /richiedi-licenza.
my-licenses-line = { $product } · termina il { $ends_on } · **{ $state }**

## Modifiche alle licenze rifiutate (un messaggio per causa; non è stato modificato nulla)
license-refused-bot = <@{ $user }> è un bot, e i bot non hanno licenze.
license-refused-not-member = <@{ $user }> non è un membro di questo server.
license-refused-disabled = *{ $subscription }* è disabilitato: non si possono assegnare licenze finché non viene esteso con /estendi.
license-refused-deleted = *{ $subscription }* è stato eliminato: le sue licenze sono terminate.
license-refused-already = <@{ $user }> ha già una licenza di *{ $subscription }*.
license-refused-full = { $seats ->
    [one] L'unica licenza di *{ $subscription }* è assegnata.
   *[other] Tutte le { $seats } licenze di *{ $subscription }* sono assegnate.
} Aggiungi licenze con /aggiungi-licenze o revoca quella di qualcuno.
license-refused-not-assigned = <@{ $user }> non ha nessuna licenza di *{ $subscription }*. Non è stato modificato nulla.
request-refused-open = Hai già chiesto una licenza di *{ $subscription }* <t:{ $since }:R>; decideranno gli amministratori.
request-refused-cooldown-denied = La tua ultima richiesta per *{ $subscription }* è stata rifiutata. Potrai chiedere di nuovo <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-cooldown-expired = La tua ultima richiesta per *{ $subscription }* è scaduta senza una decisione. Potrai chiedere di nuovo <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-too-many = Hai già { $open } richieste aperte in questo server, il massimo per un membro. Potrai chiedere di nuovo quando gli amministratori ne decideranno una, o quando la prima scadrà <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-approved = Questa richiesta è già stata approvata da <@{ $user }> il <t:{ $at }:f>.
request-refused-denied = Questa richiesta è già stata rifiutata da <@{ $user }> il <t:{ $at }:f>.
request-refused-expired = Questa richiesta è scaduta <t:{ $at }:R>. Il membro può chiedere di nuovo con /richiedi-licenza.
request-refused-not-found = Questa richiesta non esiste in questo server.
request-refused-no-channel = Questo server non ha ancora un canale di notifica per le richieste. Chiedi a un amministratore di impostarne uno con /impostazioni notifiche.
request-refused-not-allowed = Solo gli amministratori (Gestisci server, oppure il ruolo gestore) possono decidere sulle richieste. Non è stato modificato nulla.
role-refused-everyone = @everyone non può essere un ruolo licenza: lo hanno tutti i membri. Scegli un altro ruolo.
role-refused-managed = <@&{ $role }> è gestito da un bot o da un'integrazione, quindi licensebot non può assegnarlo ai membri. Scegli un altro ruolo.
role-refused-no-manage-roles = Mi serve l'autorizzazione Gestisci ruoli per assegnare <@&{ $role }> ai membri. Concedila al mio ruolo, poi riprova. Non è stato modificato nulla.
role-refused-not-below = <@&{ $role }> non è sotto il mio ruolo più alto, quindi Discord non mi consente di assegnarlo. In Impostazioni server → Ruoli, trascina il mio ruolo sopra di esso, poi riprova. Non è stato modificato nulla.
role-refused-manager = <@&{ $role }> è il ruolo gestore di questo server: i suoi membri possono usare i comandi di amministrazione di licensebot, quindi non può essere dato con una licenza. Scegli un altro ruolo. Non è stato modificato nulla.
role-refused-powerful = <@&{ $role }> ha { $powers }, che danno potere sul server. Un ruolo licenza dà accesso, mai potere: scegli un ruolo senza queste autorizzazioni, oppure toglile a questo in Impostazioni server → Ruoli. Non è stato modificato nulla.
power-administrator = Amministratore
power-manage-server = Gestisci server
power-manage-roles = Gestisci ruoli
power-manage-channels = Gestisci canali
power-manage-webhooks = Gestisci webhook
power-manage-messages = Gestisci messaggi
power-kick-members = Espelli membri
power-ban-members = Banna membri
power-moderate-members = Metti membri in timeout
power-mention-everyone = Menziona @everyone, @here e tutti i ruoli
role-check-failed = Non sono riuscito a leggere da Discord i ruoli di questo server ({ $reason }). Non è stato modificato nulla; riprova.

## Ruoli licenza e richieste
settings-license-role-saved = I membri con una licenza di *{ $subscription }* avranno <@&{ $role }> finché l'abbonamento è attivo o scaduto.
settings-license-role-removed = *{ $subscription }* non ha più un ruolo licenza; sto togliendo <@&{ $role }> a chi ne ha una licenza.
settings-license-role-none = *{ $subscription }* non ha un ruolo licenza. Non è stato modificato nulla.
request-posted = La tua richiesta di una licenza di *{ $subscription }* è stata inviata agli amministratori. Se i tuoi messaggi diretti sono aperti, ti avviserò quando avranno deciso.
button-approve = Approva
button-deny = Rifiuta
request-approved-line = ✅ Approvata da <@{ $by }> il <t:{ $at }:f>.
request-denied-line = ❌ Rifiutata da <@{ $by }> il <t:{ $at }:f>.
request-expired-line = ⌛ Scaduta il <t:{ $at }:f>: nessuno ha deciso entro 7 giorni.
request-approved-reply = Approvata: <@{ $user }> ora ha una licenza di *{ $subscription }* ({ $count }).
request-denied-reply = Rifiutata: <@{ $user }> non riceve una licenza di *{ $subscription }*.
notice-license-request = <@{ $user }> chiede una licenza di *{ $subscription }* ({ $product }).
notice-licenses-full = L'ultima licenza libera di *{ $subscription }* è appena stata assegnata: { $seats ->
    [one] la sua unica licenza è in uso.
   *[other] tutte le { $seats } sono in uso.
} Aggiungi licenze con /aggiungi-licenze.
notice-member-gone = <@{ $user }> non è più in questo server; { $count ->
    [one] la sua licenza di { $subscriptions } è stata liberata.
   *[other] le sue licenze di { $subscriptions } sono state liberate.
}
notice-role-refused = Discord non mi ha consentito di modificare <@&{ $role }> ({ $error }). Ho smesso di modificarlo: dammi Gestisci ruoli e sposta il mio ruolo sopra di esso, poi collegalo di nuovo con /impostazioni ruolo-licenza.
notice-role-halted-powerful = <@&{ $role }> ora ha { $powers }, che danno potere sul server, quindi ho smesso di assegnarlo con le licenze: un ruolo licenza dà accesso, mai potere. Togligli queste autorizzazioni, poi collegalo di nuovo con /impostazioni ruolo-licenza.
notice-role-halted-manager = <@&{ $role }> ora è il ruolo gestore di questo server, quindi ho smesso di assegnarlo con le licenze. Scegli un altro ruolo gestore o ruolo licenza, poi collegalo di nuovo con /impostazioni ruolo-licenza.
dm-request-approved = La tua richiesta di una licenza di *{ $subscription }* è stata approvata da <@{ $by }>.
dm-request-denied = La tua richiesta di una licenza di *{ $subscription }* è stata rifiutata da <@{ $by }>.

## Riprendere ciò che è stato venduto (src/discord/render_refunds.rs)
notice-reversal-seats = Il fornitore ha stornato il codice Product Key che termina con `{ $tail }`: *{ $subscription }* ora ha { $seats_after }, prima { $seats_before }.
notice-reversal-ends = Il fornitore ha stornato il codice Product Key che termina con `{ $tail }`: *{ $subscription }* ora termina il { $ends_after }, prima il { $ends_before }.
notice-reversal-both = Il fornitore ha stornato il codice Product Key che termina con `{ $tail }`: *{ $subscription }* ora ha { $seats_after }, prima { $seats_before }, e termina il { $ends_after }, prima il { $ends_before }.
notice-reversal-released = { $count ->
    [one] La licenza di { $members } è stata liberata per rientrare.
   *[other] Le licenze di { $members } sono state liberate per rientrare.
}
redemptions-reversals = Storni (rimborsi)
redemptions-line-reversal = <t:{ $at }:f> · codice Product Key che termina con `{ $tail }` stornato · *{ $subscription }* · { $change }
redemptions-reversal-seats = { $before } → { $after } licenze
redemptions-reversal-ends = data di fine { $before } → { $after }
state-suspended = Sospeso
error-suspended = *{ $subscription }* è stato sospeso dal fornitore. Contatta il fornitore.
notice-suspended = *{ $subscription }* è stato sospeso dal fornitore. Le licenze restano assegnate, ma non danno accesso finché il fornitore non lo riprende.
notice-resumed = *{ $subscription }* è stato ripreso dal fornitore: le licenze danno di nuovo accesso.

cmd-settings-show-name = mostra
cmd-settings-show-desc = La configurazione di licensebot in questo server, come lista di controllo
cmd-settings-language-name = lingua
cmd-settings-language-desc = La lingua di notifiche, richieste e messaggi diretti in questo server
opt-language-name = lingua
opt-language-desc = La lingua
error-deleted = *{ $subscription }* è stato eliminato: non si può più riscattare nulla su di esso. Inizia un nuovo abbonamento con /attiva, i tuoi codici Product Key e un nuovo nome (un abbonamento eliminato mantiene il suo nome).
receipt-no-channel = Non è impostato nessun canale del team, quindi nessun altro è stato avvisato: /impostazioni notifiche
settings-role-cleared = Non c'è più un ruolo gestore: solo i membri con Gestisci server possono usare licensebot.

## La lista di controllo della configurazione (/impostazioni mostra)
settings-show-title = La configurazione di licensebot in questo server
language-name = Italiano
permission-view-channel = Visualizza canale
permission-send-messages = Invia messaggi
permission-embed-links = Incorpora link
check-channel-none = ⚠️ Non è impostato nessun canale di notifica: le notifiche ne aspettano uno (fino a 7 giorni) e nessuno le vede. Impostane uno con /impostazioni notifiche.
check-channel-ok = ✅ Le notifiche vengono pubblicate in <#{ $channel }>.
check-channel-gone = ⚠️ Il canale di notifica <#{ $channel }> non esiste più. Scegline un altro con /impostazioni notifiche.
check-channel-hidden = ⚠️ Non riesco a vedere <#{ $channel }>. Dammi l'autorizzazione Visualizza canale lì (Modifica canale → Autorizzazioni), oppure scegli un altro canale con /impostazioni notifiche.
check-channel-missing = ⚠️ Mi mancano queste autorizzazioni in <#{ $channel }>: { $permissions }. Concedimele lì (Modifica canale → Autorizzazioni), oppure scegli un altro canale con /impostazioni notifiche.
check-channel-unknown = ⚠️ Non sono riuscito a controllare <#{ $channel }> con Discord ({ $reason }). Riprova tra un momento.
check-manager-none = ✅ Nessun ruolo gestore: i membri con Gestisci server usano licensebot. Per farlo usare a un altro ruolo, usa /impostazioni ruolo-gestore.
check-manager-shown = ✅ I membri di <@&{ $role }> possono usare licensebot, e Discord mostra loro i suoi comandi.
check-manager-hidden = ⚠️ I membri di <@&{ $role }> possono usare licensebot, ma Discord nasconde loro i suoi comandi. Impostazioni server → Integrazioni → licensebot → aggiungi <@&{ $role }>.
check-manager-gone = ⚠️ Il ruolo gestore non esiste più. Scegline un altro con /impostazioni ruolo-gestore, oppure ometti il ruolo per rimuoverlo.
check-manager-unknown = ⚠️ Non sono riuscito a chiedere a Discord se mostra i comandi di licensebot a <@&{ $role }> ({ $reason }). Se non lo fa: Impostazioni server → Integrazioni → licensebot → aggiungi <@&{ $role }>.
check-language-server = ✅ Notifiche, richieste e messaggi diretti sono in { $language }, la lingua di questo server su Discord. Scegline un'altra con /impostazioni lingua.
settings-language-saved = D'ora in poi notifiche, richieste e messaggi diretti in questo server sono in { $language }.
check-language-chosen = ✅ Notifiche, richieste e messaggi diretti sono in { $language } (scelta con /impostazioni lingua).
check-roles-none = ✅ Nessun ruolo licenza è collegato (/impostazioni ruolo-licenza).
check-roles-unknown = ⚠️ Non sono riuscito a leggere i ruoli di questo server da Discord ({ $reason }), quindi i ruoli licenza non sono stati controllati. Riprova tra un momento.
check-role-ok = ✅ <@&{ $role }> va con le licenze di *{ $subscription }*, e posso assegnarlo.
check-role-gone = ⚠️ Il ruolo licenza di *{ $subscription }* non esiste più. Collegane un altro con /impostazioni ruolo-licenza.
check-role-no-manage-roles = ⚠️ Non posso assegnare <@&{ $role }> (*{ $subscription }*): mi serve l'autorizzazione Gestisci ruoli. Concedila al mio ruolo in Impostazioni server → Ruoli.
check-role-not-below = ⚠️ Non posso assegnare <@&{ $role }> (*{ $subscription }*): non è sotto il mio ruolo più alto. In Impostazioni server → Ruoli, trascina il mio ruolo sopra di esso.
check-role-powerful = ⚠️ <@&{ $role }> (*{ $subscription }*) ha { $powers }, che danno potere sul server, quindi non lo assegno. Togligliele in Impostazioni server → Ruoli, poi collegalo di nuovo con /impostazioni ruolo-licenza.
check-role-unusable = ⚠️ <@&{ $role }> non può essere il ruolo licenza di *{ $subscription }* (è @everyone, il ruolo di un'integrazione o il ruolo gestore). Collegane un altro con /impostazioni ruolo-licenza.
check-ending-none = ✅ Nessun abbonamento termina entro 30 giorni.
check-ending = ⚠️ *{ $subscription }* termina <t:{ $at }:R> (<t:{ $at }:D>). Estendilo con /estendi.
check-waiting-none = ✅ Nessuna notifica è in attesa di un canale.
check-waiting = ⚠️ { $count ->
    [one] 1 notifica è in attesa di un canale di notifica, conservata
   *[other] { $count } notifiche sono in attesa di un canale di notifica, conservate
} fino al <t:{ $until }:f>. Impostane uno con /impostazioni notifiche.
