# licensebot — Deutsch (de). Begriffe des Microsoft 365 Admin Centers: Produktschlüssel,
# Abonnement, Lizenz(en), einlösen, Enddatum verlängern. Anrede: „Sie“.
# Discord zeigt <@user>, <#channel>, <@&role> und <t:unix:style> in der Zeit jedes Lesers.

## Befehle (Namen: Kleinbuchstaben, keine Leerzeichen, höchstens 32 Zeichen)
cmd-add-licenses-name = lizenzen-hinzufügen
cmd-add-licenses-desc = Einem Abonnement mit vorausbezahlten Produktschlüsseln Lizenzen hinzufügen
cmd-extend-name = verlängern
cmd-extend-desc = Das Enddatum eines Abonnements mit vorausbezahlten Produktschlüsseln verlängern
cmd-activate-name = aktivieren
cmd-activate-desc = Ein neues Abonnement mit vorausbezahlten Produktschlüsseln starten
cmd-subscriptions-name = abonnements
cmd-subscriptions-desc = Ihre Produkte: die Abonnements dieses Servers
cmd-redemptions-name = einlösungen
cmd-redemptions-desc = Die Einlösungen auf diesem Server, neueste zuerst
cmd-settings-name = einstellungen
cmd-settings-desc = Die Einstellungen von licensebot für diesen Server
cmd-settings-notices-name = benachrichtigungen
cmd-settings-notices-desc = Wo Benachrichtigungen zu Einlösungen und Abonnements gepostet werden
cmd-settings-manager-role-name = verwaltungsrolle
cmd-settings-manager-role-desc = Eine Rolle, deren Mitglieder licensebot ohne „Server verwalten“ nutzen dürfen
opt-subscription-name = abonnement
opt-subscription-desc = Das Abonnement
opt-name-name = name
opt-name-desc = Der Name des neuen Abonnements, eindeutig auf diesem Server
opt-keys-name = produktschlüssel
opt-keys-desc = Produktschlüssel (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX), mehrere durch Leerzeichen oder Kommas getrennt
opt-channel-name = kanal
opt-channel-desc = Der Kanal für Benachrichtigungen
opt-role-name = rolle
opt-role-desc = Die Verwaltungsrolle; lassen Sie sie weg, um sie zu entfernen

## Wörter
kind-add-licenses = Lizenzen hinzufügen
kind-extend = Enddatum verlängern
kind-activate = Neues Abonnement
state-active = Aktiv
state-expired = Abgelaufen
state-disabled = Deaktiviert
state-deleted = Gelöscht
licenses = { $count ->
    [one] 1 Lizenz
   *[other] { $count } Lizenzen
}
product-keys = { $count ->
    [one] 1 Produktschlüssel
   *[other] { $count } Produktschlüssel
}
term-months = { $count ->
    [one] 1 Monat
   *[other] { $count } Monate
}
term-days = { $count ->
    [one] 1 Tag
   *[other] { $count } Tage
}

## Abgelehnte Produktschlüssel (eine Meldung je Ursache)
refusal-character = `{ $masked }` ist kein gültiger Produktschlüssel: Zeichen { $position } ('{ $found }') kommt in Produktschlüsseln nie vor.
refusal-length = `{ $masked }` ist kein gültiger Produktschlüssel: Er hat { $found } Zeichen, Produktschlüssel haben 25.
refusal-unknown = Der Produktschlüssel, der auf `{ $tail }` endet, ist ungültig. Überprüfen Sie ihn, und versuchen Sie es erneut.
refusal-redeemed = Der Produktschlüssel, der auf `{ $tail }` endet, wurde bereits verwendet. Geben Sie einen anderen Produktschlüssel ein.
refusal-revoked = Der Produktschlüssel, der auf `{ $tail }` endet, wurde widerrufen.
refusal-expired = Der Produktschlüssel, der auf `{ $tail }` endet, ist abgelaufen.
refusal-other-product = Der Produktschlüssel, der auf `{ $tail }` endet, gilt für *{ $key_product }*, nicht für *{ $subscription_product }*.
refusal-repeated = Sie haben diesen Produktschlüssel bereits eingegeben (`{ $masked }`).
refusal-repeated-unnamed = Sie haben diesen Produktschlüssel bereits eingegeben.
refusal-nothing-changed = Es wurde nichts geändert.

## Abgelehnte Bestellungen
error-not-in-guild = licensebot funktioniert nur auf Servern.
error-not-allowed = Sie benötigen die Berechtigung „Server verwalten“ oder die Verwaltungsrolle, um licensebot zu verwenden.
error-settings-not-allowed = Sie benötigen die Berechtigung „Server verwalten“, um die Einstellungen von licensebot zu ändern.
error-subscription-not-found = Dieser Server hat kein solches Abonnement. Wählen Sie eines aus der Liste aus.
error-name-empty = Geben Sie dem neuen Abonnement einen Namen.
error-name-too-long = Der Name eines Abonnements hat höchstens { $max } Zeichen; dieser hat { $found }.
error-name-control = Der Name eines Abonnements darf keine Zeilenumbrüche, Steuerzeichen oder unsichtbaren oder richtungsändernden Zeichen wie ein Leerzeichen ohne Breite enthalten (Zeichen { $position }).
error-name-taken = Dieser Server hat bereits ein Abonnement namens *{ $subscription }*. Wählen Sie einen anderen Namen, oder fügen Sie ihm mit /lizenzen-hinzufügen Lizenzen hinzu bzw. verlängern Sie es mit /verlängern.
error-name-taken-deleted = *{ $subscription }* ist der Name eines gelöschten Abonnements dieses Servers, und ein Name bleibt vergeben, nachdem sein Abonnement gelöscht wurde. Wählen Sie einen anderen Namen.
error-no-keys = Geben Sie mindestens einen Produktschlüssel ein.
error-too-many-keys = Eine Bestellung kann höchstens { $max } Produktschlüssel enthalten; mit diesen wären es { $entered }.
error-seat-cap = Damit hätte *{ $subscription }* { $would_have } Lizenzen; *{ $product }* erlaubt höchstens { $max }.
error-wrong-state-add = *{ $subscription }* hat den Status { $state }: Lizenzen können nur einem aktiven Abonnement hinzugefügt werden. Verwenden Sie zuerst /verlängern.
error-wrong-state-extend = *{ $subscription }* wurde gelöscht und kann nicht mehr verlängert werden.
error-less-than-a-day = Diese Produktschlüssel würden *{ $subscription }* um weniger als einen Tag verlängern.
error-out-of-range = Diese Produktschlüssel würden die Daten über den Kalender hinaus verschieben.
error-locked-out = Zu viele Produktschlüssel wurden abgelehnt. Sie können <t:{ $until }:R> wieder Produktschlüssel eingeben.
error-order-not-found = Diese Bestellung gibt es auf diesem Server nicht. Beginnen Sie erneut mit /lizenzen-hinzufügen, /verlängern oder /aktivieren.
error-not-your-order = Diese Bestellung gehört jemand anderem.
error-order-expired = Diese Bestellung ist abgelaufen. Es wurde nichts eingelöst; beginnen Sie erneut mit /lizenzen-hinzufügen, /verlängern oder /aktivieren.
error-order-cancelled = Diese Bestellung wurde storniert. Es wurde nichts eingelöst.
error-order-redeemed = Diese Bestellung wurde bereits von <@{ $user }> am <t:{ $at }:f> eingelöst.
error-key-taken = Der Produktschlüssel, der auf `{ $tail }` endet, wurde bereits von <@{ $user }> am <t:{ $at }:f> eingelöst. Es wurde nichts eingelöst: Stornieren Sie diese Bestellung, und beginnen Sie ohne diesen Schlüssel erneut.
error-stale-button = Diese Schaltfläche ist nicht mehr gültig.
busy = licensebot ist ausgelastet; versuchen Sie es gleich noch einmal. Es wurde nichts geändert.
error-internal = Etwas ist schiefgelaufen, und es wurde nichts geändert. Versuchen Sie es erneut. (Fehler-ID { $id })
error-undecodable = Ich konnte das nicht lesen; es wurde nichts geändert.

## Überprüfung
review-title-add = Bestellung überprüfen: Lizenzen hinzufügen
review-title-extend = Bestellung überprüfen: Enddatum verlängern
review-title-activate = Bestellung überprüfen: neues Abonnement
review-subscription = Abonnement
review-keys = Produktschlüssel
review-key-line = `{ $masked }` · { $licenses } · { $term }
review-licenses = Lizenzen
review-end-date = Enddatum
review-unchanged = { $value } (unverändert)
review-change = { $before } → { $after }
review-new-subscription = Neues Abonnement *{ $subscription }* · { $product } · { $licenses } · endet am { $ends_on }
review-ends-from-today = { $ends_on } ({ $term } ab heute, { $today })
review-seat-time = Lizenzzeit
review-seat-time-part = { $seats } × { $days } Tage
review-seat-time-sum = { $parts } = { $seat_days } Lizenztage ÷ { $seats } Lizenzen = { $days } Tage (abgerundet)
review-base-today = *{ $subscription }* ist deaktiviert, daher zählt die Verlängerung ab heute, { $today }.
review-coterm = Diese Lizenzen enden mit dem Abonnement am { $ends_on }; verlängern Sie es mit /verlängern.
review-expires = Diese Bestellung läuft <t:{ $at }:R> ab.
button-redeem = Einlösen
button-add-key = Weiteren Produktschlüssel hinzufügen
button-cancel = Abbrechen
modal-title = Weiteren Produktschlüssel hinzufügen
modal-keys-label = Produktschlüssel
modal-keys-placeholder = XXXXX-XXXXX-XXXXX-XXXXX-XXXXX

## Nach der Bestellung
receipt-title = Eingelöst
receipt-body = { $keys } für *{ $subscription }* eingelöst.
receipt-body-activate = { $keys } eingelöst: *{ $subscription }* wurde gestartet.
receipt-order-closed = Bestellung abgeschlossen.
cancelled = Bestellung storniert. Es wurde nichts eingelöst.
expired-review = Diese Bestellung ist abgelaufen. Es wurde nichts eingelöst; beginnen Sie erneut mit /lizenzen-hinzufügen, /verlängern oder /aktivieren.

## Listen
subscriptions-title = Ihre Produkte
subscriptions-empty = Dieser Server hat noch keine Abonnements. Starten Sie eines mit /aktivieren und Ihren Produktschlüsseln.
subscriptions-line = { $product } · { $assigned } · endet am { $ends_on } · **{ $state }**
redemptions-title = Einlösungen
redemptions-title-for = Einlösungen: { $subscription }
redemptions-empty = Noch keine Einlösungen.
redemptions-line-add = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · { $before } → { $after } Lizenzen · { $keys }
redemptions-line-extend = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · Enddatum { $before } → { $after } · { $keys }
redemptions-line-activate = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · gestartet: { $licenses } bis { $ends_on } · { $keys }
redemptions-page = Seite { $page } von { $pages }
button-newer = Neuer
button-older = Älter

## Einstellungen
settings-notices-saved = Benachrichtigungen werden in <#{ $channel }> gepostet.
settings-notices-failed = Ich kann in <#{ $channel }> nicht posten ({ $reason }). Geben Sie mir dort „Nachrichten senden“ und „Links einbetten“, oder wählen Sie einen anderen Kanal. Es wurde nichts geändert.
settings-notices-other-server = <#{ $channel }> ist kein Kanal dieses Servers. Wählen Sie einen Kanal dieses Servers. Es wurde nichts geändert.
settings-notices-hello = licensebot postet Benachrichtigungen zu Einlösungen und Abonnements in diesem Kanal.
settings-role-saved = Mitglieder von <@&{ $role }> dürfen licensebot jetzt verwenden. Discord zeigt ihnen die Befehle erst, wenn die Rolle licensebot hinzugefügt ist: Servereinstellungen → Integrationen → licensebot → <@&{ $role }> hinzufügen. /einstellungen übersicht zeigt, ob das erledigt ist.

## Benachrichtigungen (in der Sprache des Servers; nie ein Produktschlüssel)
notice-redemption-add = <@{ $user }> hat *{ $subscription }* { $added } hinzugefügt: { $before } → { $after } Lizenzen ({ $keys }).
notice-redemption-extend = <@{ $user }> hat *{ $subscription }* verlängert: Enddatum { $before } → { $after } ({ $keys }).
notice-redemption-activate = <@{ $user }> hat *{ $subscription }* ({ $product }) gestartet: { $licenses } bis { $ends_on }, { $keys }.
notice-reminder = *{ $subscription }* endet am { $ends_on }, { $days ->
    [0] also heute
    [one] also in 1 Tag
   *[other] also in { $days } Tagen
}. Verlängern Sie es mit /verlängern.
notice-state-expired = *{ $subscription }* ist am { $ends_on } abgelaufen. Benutzer behalten vorerst den Zugriff; verlängern Sie es mit /verlängern.
notice-state-disabled = *{ $subscription }* ist jetzt deaktiviert. Verlängern Sie es mit /verlängern, um es wiederherzustellen.
notice-state-deleted = *{ $subscription }* wurde gelöscht.
notice-lockout = <@{ $user }> hat zu viele ungültige Produktschlüssel eingegeben; die Schlüsseleingabe ist bis <t:{ $until }:t> gesperrt.

## Lizenzen für Mitglieder
cmd-licenses-name = lizenzen
cmd-licenses-desc = Lizenzen dieses Servers an Mitglieder vergeben, zurücknehmen und ihre Inhaber sehen
cmd-licenses-assign-name = zuweisen
cmd-licenses-assign-desc = Einem Mitglied eine Lizenz eines Abonnements zuweisen
cmd-licenses-unassign-name = entziehen
cmd-licenses-unassign-desc = Einem Mitglied die Lizenz eines Abonnements wieder entziehen
cmd-licenses-list-name = liste
cmd-licenses-list-desc = Wer die Lizenzen eines Abonnements hat
cmd-my-licenses-name = meine-lizenzen
cmd-my-licenses-desc = Die Lizenzen, die Sie auf diesem Server haben
cmd-request-license-name = lizenz-anfordern
cmd-request-license-desc = Bei den Admins dieses Servers eine Lizenz eines Abonnements anfordern
cmd-settings-license-role-name = lizenzrolle
cmd-settings-license-role-desc = Eine Rolle, die Mitglieder mit einer Lizenz eines Abonnements tragen
opt-user-name = mitglied
opt-user-desc = Das Mitglied
opt-license-role-desc = Die Rolle; lassen Sie sie weg, um die Rolle des Abonnements zu lösen
assigned-of = { $assigned } von { $seats } zugewiesen
license-assigned = <@{ $user }> hat jetzt eine Lizenz von *{ $subscription }*: { $count }.
license-unassigned = <@{ $user }> hat keine Lizenz von *{ $subscription }* mehr: { $count }.
licenses-title = Lizenzen: { $subscription }
licenses-empty = Noch niemand hat eine Lizenz von *{ $subscription }*. Weisen Sie eine mit /lizenzen zuweisen zu.
licenses-line = <@{ $user }> · seit <t:{ $at }:d> · von <@{ $by }>
licenses-line-requested = <@{ $user }> · seit <t:{ $at }:d> · auf Anfrage genehmigt von <@{ $by }>
licenses-line-operator = <@{ $user }> · seit <t:{ $at }:d> · über die Befehlszeile
licenses-role = Lizenzrolle: <@&{ $role }>
licenses-page = Seite { $page } von { $pages }
my-licenses-title = Ihre Lizenzen
my-licenses-empty = Sie haben auf diesem Server keine Lizenzen. Fordern Sie eine mit /lizenz-anfordern an.
my-licenses-line = { $product } · endet am { $ends_on } · **{ $state }**

## Abgelehnte Lizenzänderungen (eine Meldung je Ursache; nichts wurde geändert)
license-refused-bot = <@{ $user }> ist ein Bot, und Bots haben keine Lizenzen.
license-refused-not-member = <@{ $user }> ist kein Mitglied dieses Servers.
license-refused-disabled = *{ $subscription }* ist deaktiviert: Es können keine Lizenzen zugewiesen werden, bis es mit /verlängern verlängert wird.
license-refused-deleted = *{ $subscription }* wurde gelöscht: Seine Lizenzen sind beendet.
license-refused-already = <@{ $user }> hat bereits eine Lizenz von *{ $subscription }*.
license-refused-full = { $seats ->
    [one] Die einzige Lizenz von *{ $subscription }* ist zugewiesen.
   *[other] Alle { $seats } Lizenzen von *{ $subscription }* sind zugewiesen.
} Fügen Sie mit /lizenzen-hinzufügen Lizenzen hinzu, oder entziehen Sie jemandem seine Lizenz.
license-refused-not-assigned = <@{ $user }> hat keine Lizenz von *{ $subscription }*. Es wurde nichts geändert.
request-refused-open = Sie haben <t:{ $since }:R> bereits eine Lizenz von *{ $subscription }* angefordert; die Admins entscheiden darüber.
request-refused-cooldown-denied = Ihre letzte Anfrage für *{ $subscription }* wurde abgelehnt. Sie können <t:{ $until }:R> (<t:{ $until }:f>) erneut anfragen.
request-refused-cooldown-expired = Ihre letzte Anfrage für *{ $subscription }* ist ohne Entscheidung abgelaufen. Sie können <t:{ $until }:R> (<t:{ $until }:f>) erneut anfragen.
request-refused-too-many = Sie haben auf diesem Server bereits { $open } offene Anfragen, das Maximum für ein Mitglied. Sie können erneut anfragen, sobald die Admins über eine davon entscheiden oder die erste <t:{ $until }:R> (<t:{ $until }:f>) abläuft.
request-refused-approved = Diese Anfrage wurde bereits von <@{ $user }> am <t:{ $at }:f> genehmigt.
request-refused-denied = Diese Anfrage wurde bereits von <@{ $user }> am <t:{ $at }:f> abgelehnt.
request-refused-expired = Diese Anfrage ist <t:{ $at }:R> abgelaufen. Das Mitglied kann mit /lizenz-anfordern erneut anfragen.
request-refused-not-found = Diese Anfrage gibt es auf diesem Server nicht.
request-refused-no-channel = Dieser Server hat noch keinen Benachrichtigungskanal für Anfragen. Bitten Sie einen Admin, mit /einstellungen benachrichtigungen einen festzulegen.
request-refused-not-allowed = Nur Admins („Server verwalten“ oder die Verwaltungsrolle) können über Anfragen entscheiden. Es wurde nichts geändert.
role-refused-everyone = @everyone kann keine Lizenzrolle sein: Jedes Mitglied hat sie. Wählen Sie eine andere Rolle.
role-refused-managed = <@&{ $role }> wird von einem Bot oder einer Integration verwaltet, daher kann licensebot sie Mitgliedern nicht geben. Wählen Sie eine andere Rolle.
role-refused-no-manage-roles = Ich benötige die Berechtigung „Rollen verwalten“, um Mitgliedern <@&{ $role }> zu geben. Erteilen Sie sie meiner Rolle, und versuchen Sie es dann erneut. Es wurde nichts geändert.
role-refused-not-below = <@&{ $role }> liegt nicht unter meiner höchsten Rolle, daher lässt Discord mich sie nicht vergeben. Ziehen Sie unter Servereinstellungen → Rollen meine Rolle darüber, und versuchen Sie es dann erneut. Es wurde nichts geändert.
role-refused-manager = <@&{ $role }> ist die Verwaltungsrolle dieses Servers: Ihre Mitglieder dürfen die Admin-Befehle von licensebot verwenden, daher kann sie nicht mit einer Lizenz vergeben werden. Wählen Sie eine andere Rolle. Es wurde nichts geändert.
role-refused-powerful = <@&{ $role }> hat { $powers }, was Macht über den Server verleiht. Eine Lizenzrolle gewährt Zugang, nie Macht: Wählen Sie eine Rolle ohne diese Berechtigungen, oder entfernen Sie sie unter Servereinstellungen → Rollen von dieser Rolle. Es wurde nichts geändert.
power-administrator = Administrator
power-manage-server = Server verwalten
power-manage-roles = Rollen verwalten
power-manage-channels = Kanäle verwalten
power-manage-webhooks = WebHooks verwalten
power-manage-messages = Nachrichten verwalten
power-kick-members = Mitglieder kicken
power-ban-members = Mitglieder bannen
power-moderate-members = Timeout für Mitglieder
power-mention-everyone = @everyone, @here und alle Rollen erwähnen
role-check-failed = Ich konnte die Rollen dieses Servers nicht von Discord lesen ({ $reason }). Es wurde nichts geändert; versuchen Sie es erneut.

## Lizenzrollen und Anfragen
settings-license-role-saved = Mitglieder mit einer Lizenz von *{ $subscription }* tragen <@&{ $role }>, solange es aktiv oder abgelaufen ist.
settings-license-role-removed = *{ $subscription }* hat keine Lizenzrolle mehr; ich nehme seinen Lizenzinhabern <@&{ $role }> weg.
settings-license-role-none = *{ $subscription }* hat keine Lizenzrolle. Es wurde nichts geändert.
request-posted = Ihre Anfrage für eine Lizenz von *{ $subscription }* wurde an die Admins gesendet. Wenn Ihre Direktnachrichten offen sind, sage ich Ihnen Bescheid, sobald sie entscheiden.
button-approve = Genehmigen
button-deny = Ablehnen
request-approved-line = ✅ Genehmigt von <@{ $by }> am <t:{ $at }:f>.
request-denied-line = ❌ Abgelehnt von <@{ $by }> am <t:{ $at }:f>.
request-expired-line = ⌛ Abgelaufen am <t:{ $at }:f>: Niemand hat innerhalb von 7 Tagen entschieden.
request-approved-reply = Genehmigt: <@{ $user }> hat jetzt eine Lizenz von *{ $subscription }* ({ $count }).
request-denied-reply = Abgelehnt: <@{ $user }> erhält keine Lizenz von *{ $subscription }*.
notice-license-request = <@{ $user }> fordert eine Lizenz von *{ $subscription }* ({ $product }) an.
notice-licenses-full = Die letzte freie Lizenz von *{ $subscription }* wurde gerade zugewiesen: { $seats ->
    [one] Seine einzige Lizenz ist in Gebrauch.
   *[other] Alle { $seats } sind in Gebrauch.
} Fügen Sie mit /lizenzen-hinzufügen Lizenzen hinzu.
notice-member-gone = <@{ $user }> ist nicht mehr auf diesem Server; { $count ->
    [one] die Lizenz von { $subscriptions } wurde freigegeben.
   *[other] die Lizenzen von { $subscriptions } wurden freigegeben.
}
notice-role-refused = Discord hat mir verweigert, <@&{ $role }> zu ändern ({ $error }). Ich ändere sie nicht mehr: Geben Sie mir „Rollen verwalten“, setzen Sie meine Rolle darüber, und verknüpfen Sie sie dann mit /einstellungen lizenzrolle erneut.
notice-role-halted-powerful = <@&{ $role }> hat jetzt { $powers }, was Macht über den Server verleiht, daher vergebe ich sie nicht mehr mit Lizenzen: Eine Lizenzrolle gewährt Zugang, nie Macht. Entfernen Sie diese Berechtigungen von ihr, und verknüpfen Sie sie dann mit /einstellungen lizenzrolle erneut.
notice-role-halted-manager = <@&{ $role }> ist jetzt die Verwaltungsrolle dieses Servers, daher vergebe ich sie nicht mehr mit Lizenzen. Wählen Sie eine andere Verwaltungsrolle oder Lizenzrolle, und verknüpfen Sie sie dann mit /einstellungen lizenzrolle erneut.
dm-request-approved = Ihre Anfrage für eine Lizenz von *{ $subscription }* wurde von <@{ $by }> genehmigt.
dm-request-denied = Ihre Anfrage für eine Lizenz von *{ $subscription }* wurde von <@{ $by }> abgelehnt.

## Zurücknehmen, was verkauft wurde (src/discord/render_refunds.rs)
notice-reversal-seats = Der Anbieter hat den Produktschlüssel, der auf `{ $tail }` endet, rückgängig gemacht: *{ $subscription }* hat jetzt { $seats_after }, vorher { $seats_before }.
notice-reversal-ends = Der Anbieter hat den Produktschlüssel, der auf `{ $tail }` endet, rückgängig gemacht: *{ $subscription }* endet jetzt am { $ends_after }, vorher am { $ends_before }.
notice-reversal-both = Der Anbieter hat den Produktschlüssel, der auf `{ $tail }` endet, rückgängig gemacht: *{ $subscription }* hat jetzt { $seats_after }, vorher { $seats_before }, und endet am { $ends_after }, vorher am { $ends_before }.
notice-reversal-released = { $count ->
    [one] Die Lizenz von { $members } wurde freigegeben, damit es passt.
   *[other] Die Lizenzen von { $members } wurden freigegeben, damit es passt.
}
redemptions-reversals = Rückgängig gemacht (Erstattungen)
redemptions-line-reversal = <t:{ $at }:f> · Produktschlüssel, der auf `{ $tail }` endet, rückgängig gemacht · *{ $subscription }* · { $change }
redemptions-reversal-seats = { $before } → { $after } Lizenzen
redemptions-reversal-ends = Enddatum { $before } → { $after }
state-suspended = Ausgesetzt
error-suspended = *{ $subscription }* wurde vom Anbieter ausgesetzt. Wenden Sie sich an den Anbieter.
notice-suspended = *{ $subscription }* wurde vom Anbieter ausgesetzt. Die Lizenzen bleiben zugewiesen, geben aber keinen Zugriff, bis der Anbieter es fortsetzt.
notice-resumed = *{ $subscription }* wurde vom Anbieter fortgesetzt: Die Lizenzen geben wieder Zugriff.

cmd-settings-show-name = übersicht
cmd-settings-show-desc = Die Einrichtung von licensebot auf diesem Server, als Checkliste
cmd-settings-language-name = sprache
cmd-settings-language-desc = Die Sprache von Benachrichtigungen, Anfragen und Direktnachrichten auf diesem Server
opt-language-name = sprache
opt-language-desc = Die Sprache
error-deleted = *{ $subscription }* wurde gelöscht: Darauf kann nichts mehr eingelöst werden. Starten Sie ein neues Abonnement mit /aktivieren, Ihren Produktschlüsseln und einem neuen Namen (ein gelöschtes Abonnement behält seinen Namen).
receipt-no-channel = Es ist kein Team-Kanal festgelegt, daher wurde sonst niemand benachrichtigt: /einstellungen benachrichtigungen
settings-role-cleared = Es gibt keine Verwaltungsrolle mehr: Nur Mitglieder mit „Server verwalten“ dürfen licensebot verwenden.

## Die Einrichtungs-Checkliste (/einstellungen übersicht)
settings-show-title = Die Einrichtung von licensebot auf diesem Server
language-name = Deutsch
permission-view-channel = Kanal ansehen
permission-send-messages = Nachrichten senden
permission-embed-links = Links einbetten
check-channel-none = ⚠️ Es ist kein Benachrichtigungskanal festgelegt: Benachrichtigungen warten auf einen (bis zu 7 Tage), und niemand sieht sie. Legen Sie einen mit /einstellungen benachrichtigungen fest.
check-channel-ok = ✅ Benachrichtigungen werden in <#{ $channel }> gepostet.
check-channel-gone = ⚠️ Der Benachrichtigungskanal <#{ $channel }> existiert nicht mehr. Wählen Sie mit /einstellungen benachrichtigungen einen anderen.
check-channel-hidden = ⚠️ Ich kann <#{ $channel }> nicht sehen. Geben Sie mir dort „Kanal ansehen“ (Kanal bearbeiten → Berechtigungen), oder wählen Sie mit /einstellungen benachrichtigungen einen anderen Kanal.
check-channel-missing = ⚠️ Mir fehlen in <#{ $channel }> diese Berechtigungen: { $permissions }. Geben Sie sie mir dort (Kanal bearbeiten → Berechtigungen), oder wählen Sie mit /einstellungen benachrichtigungen einen anderen Kanal.
check-channel-unknown = ⚠️ Ich konnte <#{ $channel }> bei Discord nicht prüfen ({ $reason }). Versuchen Sie es gleich noch einmal.
check-manager-none = ✅ Keine Verwaltungsrolle: Mitglieder mit „Server verwalten“ nutzen licensebot. Um eine andere Rolle zuzulassen, verwenden Sie /einstellungen verwaltungsrolle.
check-manager-shown = ✅ Mitglieder von <@&{ $role }> dürfen licensebot nutzen, und Discord zeigt ihnen die Befehle.
check-manager-hidden = ⚠️ Mitglieder von <@&{ $role }> dürfen licensebot nutzen, aber Discord verbirgt die Befehle vor ihnen. Servereinstellungen → Integrationen → licensebot → <@&{ $role }> hinzufügen.
check-manager-gone = ⚠️ Die Verwaltungsrolle existiert nicht mehr. Wählen Sie mit /einstellungen verwaltungsrolle eine andere, oder lassen Sie die Rolle weg, um sie zu entfernen.
check-manager-unknown = ⚠️ Ich konnte Discord nicht fragen, ob es <@&{ $role }> die Befehle von licensebot zeigt ({ $reason }). Falls nicht: Servereinstellungen → Integrationen → licensebot → <@&{ $role }> hinzufügen.
check-language-server = ✅ Benachrichtigungen, Anfragen und Direktnachrichten sind auf { $language }, der Sprache dieses Servers in Discord. Wählen Sie mit /einstellungen sprache eine andere.
settings-language-saved = Benachrichtigungen, Anfragen und Direktnachrichten auf diesem Server sind ab jetzt auf { $language }.
check-language-chosen = ✅ Benachrichtigungen, Anfragen und Direktnachrichten sind auf { $language } (gewählt mit /einstellungen sprache).
check-roles-none = ✅ Es sind keine Lizenzrollen verknüpft (/einstellungen lizenzrolle).
check-roles-unknown = ⚠️ Ich konnte die Rollen dieses Servers nicht von Discord lesen ({ $reason }), daher wurden die Lizenzrollen nicht geprüft. Versuchen Sie es gleich noch einmal.
check-role-ok = ✅ <@&{ $role }> gehört zu den Lizenzen von *{ $subscription }*, und ich kann sie vergeben.
check-role-gone = ⚠️ Die Lizenzrolle von *{ $subscription }* existiert nicht mehr. Verknüpfen Sie mit /einstellungen lizenzrolle eine andere.
check-role-no-manage-roles = ⚠️ Ich kann <@&{ $role }> (*{ $subscription }*) nicht vergeben: Ich brauche die Berechtigung „Rollen verwalten“. Erteilen Sie sie meiner Rolle unter Servereinstellungen → Rollen.
check-role-not-below = ⚠️ Ich kann <@&{ $role }> (*{ $subscription }*) nicht vergeben: Die Rolle liegt nicht unter meiner höchsten Rolle. Ziehen Sie unter Servereinstellungen → Rollen meine Rolle darüber.
check-role-powerful = ⚠️ <@&{ $role }> (*{ $subscription }*) hat { $powers }, was Macht über den Server verleiht, daher vergebe ich sie nicht. Entfernen Sie diese Berechtigungen unter Servereinstellungen → Rollen, und verknüpfen Sie sie dann mit /einstellungen lizenzrolle erneut.
check-role-unusable = ⚠️ <@&{ $role }> kann nicht die Lizenzrolle von *{ $subscription }* sein (es ist @everyone, die Rolle einer Integration oder die Verwaltungsrolle). Verknüpfen Sie mit /einstellungen lizenzrolle eine andere.
check-ending-none = ✅ Kein Abonnement endet innerhalb von 30 Tagen.
check-ending = ⚠️ *{ $subscription }* endet <t:{ $at }:R> (<t:{ $at }:D>). Verlängern Sie es mit /verlängern.
check-waiting-none = ✅ Keine Benachrichtigungen warten auf einen Kanal.
check-waiting = ⚠️ { $count ->
    [one] 1 Benachrichtigung wartet
   *[other] { $count } Benachrichtigungen warten
} auf einen Benachrichtigungskanal, aufbewahrt bis <t:{ $until }:f>. Legen Sie einen mit /einstellungen benachrichtigungen fest.
