# licensebot — Nederlands (nl). Woorden uit de oorspronkelijke beheercentrumpagina:
# productcode, abonnement, licentie, licenties toevoegen, einddatum verlengen, inwisselen.

## Opdrachten
cmd-add-licenses-name = meer-licenties-toevoegen
cmd-add-licenses-desc = Licenties toevoegen aan een abonnement met vooruitbetaalde productcodes
cmd-extend-name = verlengen
cmd-extend-desc = De einddatum van een abonnement verlengen met vooruitbetaalde productcodes
cmd-activate-name = activeren
cmd-activate-desc = Een nieuw abonnement starten met vooruitbetaalde productcodes
cmd-subscriptions-name = abonnementen
cmd-subscriptions-desc = Mijn producten: de abonnementen van deze server
cmd-redemptions-name = inwisselingen
cmd-redemptions-desc = De inwisselingen in deze server, nieuwste eerst
cmd-settings-name = instellingen
cmd-settings-desc = De instellingen van licensebot voor deze server
cmd-settings-notices-name = meldingen
cmd-settings-notices-desc = Waar meldingen over inwisselingen en abonnementen worden geplaatst
cmd-settings-manager-role-name = beheerdersrol
cmd-settings-manager-role-desc = Een rol waarvan de leden licensebot mogen gebruiken zonder de machtiging Server beheren
cmd-settings-show-name = overzicht
cmd-settings-show-desc = De instellingen van licensebot in deze server, als controlelijst
cmd-settings-language-name = taal
cmd-settings-language-desc = De taal van meldingen, aanvragen en privéberichten in deze server
opt-language-name = taal
opt-language-desc = De taal
opt-subscription-name = abonnement
opt-subscription-desc = Het abonnement
opt-name-name = naam
opt-name-desc = De naam van het nieuwe abonnement, uniek in deze server
opt-keys-name = productcodes
opt-keys-desc = Een of meer productcodes (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX), gescheiden door spaties of komma's
opt-channel-name = kanaal
opt-channel-desc = Het kanaal voor meldingen
opt-role-name = rol
opt-role-desc = De beheerdersrol; laat weg om hem te wissen

## Woorden
kind-add-licenses = Licenties toevoegen
kind-extend = Einddatum verlengen
kind-activate = Nieuw abonnement
state-active = Actief
state-expired = Verlopen
state-disabled = Uitgeschakeld
state-deleted = Verwijderd
licenses = { $count ->
    [one] 1 licentie
   *[other] { $count } licenties
}
product-keys = { $count ->
    [one] 1 productcode
   *[other] { $count } productcodes
}
term-months = { $count ->
    [one] 1 maand
   *[other] { $count } maanden
}
term-days = { $count ->
    [one] 1 dag
   *[other] { $count } dagen
}

## Geweigerde productcodes
refusal-character = `{ $masked }` is geen geldige productcode: teken { $position } ('{ $found }') komt nooit voor in productcodes.
refusal-length = `{ $masked }` is geen geldige productcode: deze heeft { $found } tekens, en productcodes hebben er 25.
refusal-unknown = De productcode die eindigt op `{ $tail }` is niet geldig. Controleer de code en probeer het opnieuw.
refusal-redeemed = De productcode die eindigt op `{ $tail }` is al gebruikt. Voer een andere productcode in.
refusal-revoked = De productcode die eindigt op `{ $tail }` is ingetrokken.
refusal-expired = De productcode die eindigt op `{ $tail }` is verlopen.
refusal-other-product = De productcode die eindigt op `{ $tail }` is voor *{ $key_product }*, niet voor *{ $subscription_product }*.
refusal-repeated = U hebt deze productcode al ingevoerd (`{ $masked }`).
refusal-repeated-unnamed = U hebt deze productcode al ingevoerd.
refusal-nothing-changed = Er is niets gewijzigd.

## Geweigerde orders
error-not-in-guild = licensebot werkt alleen in servers.
error-not-allowed = U hebt de machtiging Server beheren of de beheerdersrol nodig om licensebot te gebruiken.
error-settings-not-allowed = U hebt de machtiging Server beheren nodig om de instellingen van licensebot te wijzigen.
error-subscription-not-found = Deze server heeft zo'n abonnement niet. Kies er een uit de lijst.
error-name-empty = Geef het nieuwe abonnement een naam.
error-name-too-long = De naam van een abonnement heeft ten hoogste { $max } tekens; deze heeft er { $found }.
error-name-control = De naam van een abonnement mag geen regeleinden, besturingstekens of onzichtbare of richtingwijzigende tekens zoals een spatie zonder breedte bevatten (teken { $position }).
error-name-taken = Deze server heeft al een abonnement met de naam *{ $subscription }*. Kies een andere naam, of voeg er licenties aan toe met /meer-licenties-toevoegen of verleng het met /verlengen.
error-name-taken-deleted = *{ $subscription }* is de naam van een verwijderd abonnement van deze server, en een naam blijft bezet nadat het abonnement is verwijderd. Kies een andere naam.
error-no-keys = Voer ten minste één productcode in.
error-too-many-keys = Een order kan ten hoogste { $max } productcodes bevatten; dit zouden er { $entered } worden.
error-seat-cap = Hiermee zou *{ $subscription }* { $would_have } licenties krijgen; *{ $product }* staat er ten hoogste { $max } toe.
error-wrong-state-add = *{ $subscription }* is { $state }: licenties kunnen alleen aan een actief abonnement worden toegevoegd. Gebruik eerst /verlengen.
error-wrong-state-extend = *{ $subscription }* is verwijderd en kan niet meer worden verlengd.
error-deleted = *{ $subscription }* is verwijderd: er kan niets meer op worden ingewisseld. Start een nieuw abonnement met /activeren, uw productcodes en een nieuwe naam (een verwijderd abonnement houdt zijn naam).
error-less-than-a-day = Deze productcodes zouden *{ $subscription }* met minder dan één dag verlengen.
error-out-of-range = Met deze productcodes zouden de datums buiten de kalender vallen.
error-locked-out = Er zijn te veel productcodes geweigerd. U kunt <t:{ $until }:R> weer productcodes invoeren.
error-order-not-found = Deze order bestaat niet in deze server. Begin opnieuw met /meer-licenties-toevoegen, /verlengen of /activeren.
error-not-your-order = Deze order is van iemand anders.
error-order-expired = Deze order is verlopen. Er is niets ingewisseld; begin opnieuw met /meer-licenties-toevoegen, /verlengen of /activeren.
error-order-cancelled = Deze order is geannuleerd. Er is niets ingewisseld.
error-order-redeemed = Deze order is al ingewisseld door <@{ $user }> op <t:{ $at }:f>.
error-key-taken = De productcode die eindigt op `{ $tail }` is al ingewisseld door <@{ $user }> op <t:{ $at }:f>. Er is niets ingewisseld: annuleer deze order en begin opnieuw zonder die code.
error-stale-button = Deze knop is niet meer geldig.
busy = licensebot heeft het druk; probeer het zo nog eens. Er is niets gewijzigd.
error-internal = Er is iets misgegaan en er is niets gewijzigd. Probeer het opnieuw. (foutcode { $id })
error-undecodable = Ik kon dit niet lezen; er is niets gewijzigd.

## Controleren
review-title-add = Controleer uw ordergegevens: licenties toevoegen
review-title-extend = Controleer uw ordergegevens: einddatum verlengen
review-title-activate = Controleer uw ordergegevens: nieuw abonnement
review-subscription = Abonnement
review-keys = Productcodes
review-key-line = `{ $masked }` · { $licenses } · { $term }
review-licenses = Licenties
review-end-date = Einddatum
review-unchanged = { $value } (ongewijzigd)
review-change = { $before } → { $after }
review-new-subscription = Nieuw abonnement *{ $subscription }* · { $product } · { $licenses } · eindigt op { $ends_on }
review-ends-from-today = { $ends_on } ({ $term } vanaf vandaag, { $today })
review-seat-time = Licentietijd
review-seat-time-part = { $seats } × { $days } dagen
review-seat-time-sum = { $parts } = { $seat_days } licentiedagen ÷ { $seats } licenties = { $days } dagen (naar beneden afgerond)
review-base-today = *{ $subscription }* is uitgeschakeld, dus de verlenging telt vanaf vandaag, { $today }.
review-coterm = Deze licenties eindigen samen met het abonnement op { $ends_on }; gebruik /verlengen om het te verlengen.
review-expires = Deze order verloopt <t:{ $at }:R>.
button-redeem = Inwisselen
button-add-key = Een andere productcode toevoegen
button-cancel = Annuleren
modal-title = Een andere productcode toevoegen
modal-keys-label = Productcodes
modal-keys-placeholder = XXXXX-XXXXX-XXXXX-XXXXX-XXXXX

## Na de order
receipt-title = Ingewisseld
receipt-body = { $keys } ingewisseld op *{ $subscription }*.
receipt-body-activate = { $keys } ingewisseld: *{ $subscription }* is gestart.
receipt-no-channel = Er is geen teamkanaal ingesteld, dus verder weet niemand het: /instellingen meldingen
receipt-order-closed = Order gesloten.
cancelled = Order geannuleerd. Er is niets ingewisseld.
expired-review = Deze order is verlopen. Er is niets ingewisseld; begin opnieuw met /meer-licenties-toevoegen, /verlengen of /activeren.

## Overzichten
subscriptions-title = Mijn producten
subscriptions-empty = Deze server heeft nog geen abonnementen. Start er een met /activeren en uw productcodes.
subscriptions-line = { $product } · { $assigned } · eindigt op { $ends_on } · **{ $state }**
redemptions-title = Inwisselingen
redemptions-title-for = Inwisselingen: { $subscription }
redemptions-empty = Nog geen inwisselingen.
redemptions-line-add = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · { $before } → { $after } licenties · { $keys }
redemptions-line-extend = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · einddatum { $before } → { $after } · { $keys }
redemptions-line-activate = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · gestart: { $licenses } tot { $ends_on } · { $keys }
redemptions-page = Pagina { $page } van { $pages }
button-newer = Nieuwer
button-older = Ouder

## Instellingen
settings-notices-saved = Meldingen worden geplaatst in <#{ $channel }>.
settings-notices-failed = Ik kan geen berichten plaatsen in <#{ $channel }> ({ $reason }). Geef mij daar Berichten versturen en Links insluiten, of kies een ander kanaal. Er is niets gewijzigd.
settings-notices-other-server = <#{ $channel }> is geen kanaal van deze server. Kies een kanaal van deze server. Er is niets gewijzigd.
settings-notices-hello = licensebot plaatst in dit kanaal meldingen over inwisselingen en abonnementen.
settings-role-saved = Leden van <@&{ $role }> mogen nu licensebot gebruiken. Discord toont hun de opdrachten pas als de rol aan licensebot is toegevoegd: Serverinstellingen → Integraties → licensebot → <@&{ $role }> toevoegen. /instellingen overzicht laat zien of dat gedaan is.
settings-role-cleared = Er is geen beheerdersrol meer: alleen leden met de machtiging Server beheren mogen licensebot gebruiken.

## Meldingen (in de taal van de server; nooit een productcode)
notice-redemption-add = <@{ $user }> heeft { $added } toegevoegd aan *{ $subscription }*: { $before } → { $after } licenties ({ $keys }).
notice-redemption-extend = <@{ $user }> heeft *{ $subscription }* verlengd: einddatum { $before } → { $after } ({ $keys }).
notice-redemption-activate = <@{ $user }> heeft *{ $subscription }* ({ $product }) gestart: { $licenses } tot { $ends_on }, { $keys }.
notice-reminder = *{ $subscription }* eindigt op { $ends_on }, { $days ->
    [0] vandaag
    [one] over 1 dag
   *[other] over { $days } dagen
}. Verleng het met /verlengen.
notice-state-expired = *{ $subscription }* is verlopen op { $ends_on }. Gebruikers houden voorlopig toegang; verleng het met /verlengen.
notice-state-disabled = *{ $subscription }* is nu uitgeschakeld. Verleng het met /verlengen om het te herstellen.
notice-state-deleted = *{ $subscription }* is verwijderd.
notice-lockout = <@{ $user }> heeft te veel ongeldige productcodes ingevoerd; productcodes invoeren is voor hen geblokkeerd tot <t:{ $until }:t>.

## Licenties toegewezen aan leden
cmd-licenses-name = licenties
cmd-licenses-desc = De licenties van deze server aan leden toewijzen, intrekken en bekijken
cmd-licenses-assign-name = toewijzen
cmd-licenses-assign-desc = Een lid een licentie van een abonnement geven
cmd-licenses-unassign-name = intrekken
cmd-licenses-unassign-desc = De licentie van een lid voor een abonnement intrekken
cmd-licenses-list-name = overzicht
cmd-licenses-list-desc = Wie de licenties van een abonnement heeft
cmd-my-licenses-name = mijn-licenties
cmd-my-licenses-desc = De licenties die u in deze server hebt
cmd-request-license-name = licentie-aanvragen
cmd-request-license-desc = De beheerders van deze server om een licentie van een abonnement vragen
cmd-settings-license-role-name = licentierol
cmd-settings-license-role-desc = Een rol die leden met een licentie van een abonnement krijgen
opt-user-name = gebruiker
opt-user-desc = Het lid
opt-license-role-desc = De rol; laat weg om de rol van het abonnement te ontkoppelen
assigned-of = { $assigned } van { $seats } toegewezen
license-assigned = <@{ $user }> heeft nu een licentie van *{ $subscription }*: { $count }.
license-unassigned = <@{ $user }> heeft geen licentie van *{ $subscription }* meer: { $count }.
licenses-title = Licenties: { $subscription }
licenses-empty = Nog niemand heeft een licentie van *{ $subscription }*. Wijs er een toe met /licenties toewijzen.
licenses-line = <@{ $user }> · sinds <t:{ $at }:d> · door <@{ $by }>
licenses-line-requested = <@{ $user }> · sinds <t:{ $at }:d> · op aanvraag goedgekeurd door <@{ $by }>
licenses-line-operator = <@{ $user }> · sinds <t:{ $at }:d> · via de opdrachtregel
licenses-role = Licentierol: <@&{ $role }>
licenses-page = Pagina { $page } van { $pages }
my-licenses-title = Mijn licenties
my-licenses-empty = U hebt geen licenties in deze server. Vraag er een aan met /licentie-aanvragen.
my-licenses-line = { $product } · eindigt op { $ends_on } · **{ $state }**

## Geweigerde licentiewijzigingen (één bericht per oorzaak; er is niets gewijzigd)
license-refused-bot = <@{ $user }> is een bot, en bots hebben geen licenties.
license-refused-not-member = <@{ $user }> is geen lid van deze server.
license-refused-disabled = *{ $subscription }* is uitgeschakeld: er kunnen geen licenties worden toegewezen tot het met /verlengen is verlengd.
license-refused-deleted = *{ $subscription }* is verwijderd: de licenties ervan zijn beëindigd.
license-refused-already = <@{ $user }> heeft al een licentie van *{ $subscription }*.
license-refused-full = { $seats ->
    [one] De enige licentie van *{ $subscription }* is toegewezen.
   *[other] Alle { $seats } licenties van *{ $subscription }* zijn toegewezen.
} Voeg licenties toe met /meer-licenties-toevoegen of trek er een in.
license-refused-not-assigned = <@{ $user }> heeft geen licentie van *{ $subscription }*. Er is niets gewijzigd.
request-refused-open = U hebt <t:{ $since }:R> al een licentie van *{ $subscription }* aangevraagd; de beheerders beslissen.
request-refused-cooldown-denied = Uw laatste aanvraag voor *{ $subscription }* is geweigerd. U kunt <t:{ $until }:R> opnieuw een licentie aanvragen (<t:{ $until }:f>).
request-refused-cooldown-expired = Uw laatste aanvraag voor *{ $subscription }* is verlopen zonder besluit. U kunt <t:{ $until }:R> opnieuw een licentie aanvragen (<t:{ $until }:f>).
request-refused-too-many = U hebt al { $open } openstaande aanvragen in deze server, het maximum voor een lid. U kunt opnieuw een licentie aanvragen zodra de beheerders over een ervan beslissen, of wanneer de eerste verloopt <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-approved = Deze aanvraag is al goedgekeurd door <@{ $user }> op <t:{ $at }:f>.
request-refused-denied = Deze aanvraag is al geweigerd door <@{ $user }> op <t:{ $at }:f>.
request-refused-expired = Deze aanvraag is <t:{ $at }:R> verlopen. Het lid kan met /licentie-aanvragen opnieuw een licentie aanvragen.
request-refused-not-found = Deze aanvraag bestaat niet in deze server.
request-refused-no-channel = Deze server heeft nog geen meldingskanaal voor aanvragen. Vraag een beheerder er een in te stellen met /instellingen meldingen.
request-refused-not-allowed = Alleen beheerders (met de machtiging Server beheren, of de beheerdersrol) kunnen over aanvragen beslissen. Er is niets gewijzigd.
role-refused-everyone = @everyone kan geen licentierol zijn: elk lid heeft die rol. Kies een andere rol.
role-refused-managed = <@&{ $role }> wordt beheerd door een bot of een integratie, dus licensebot kan die rol niet aan leden geven. Kies een andere rol.
role-refused-no-manage-roles = Ik heb de machtiging Rollen beheren nodig om <@&{ $role }> aan leden te geven. Geef die aan mijn rol en probeer het opnieuw. Er is niets gewijzigd.
role-refused-not-below = <@&{ $role }> staat niet onder mijn hoogste rol, dus Discord laat mij die rol niet geven. Sleep in Serverinstellingen → Rollen mijn rol erboven en probeer het opnieuw. Er is niets gewijzigd.
role-refused-manager = <@&{ $role }> is de beheerdersrol van deze server: wie die rol heeft, mag de beheerderscommando's van licensebot gebruiken, dus die rol kan niet met een licentie worden uitgedeeld. Kies een andere rol. Er is niets gewijzigd.
role-refused-powerful = <@&{ $role }> heeft { $powers }, en dat geeft macht over de server. Een licentierol geeft toegang, nooit macht: kies een rol zonder die machtigingen, of haal ze van deze rol af in Serverinstellingen → Rollen. Er is niets gewijzigd.
power-administrator = Beheerder
power-manage-server = Server beheren
power-manage-roles = Rollen beheren
power-manage-channels = Kanalen beheren
power-manage-webhooks = Webhooks beheren
power-manage-messages = Berichten beheren
power-kick-members = Leden verwijderen
power-ban-members = Leden verbannen
power-moderate-members = Leden een time-out geven
power-mention-everyone = @everyone, @here en alle rollen vermelden
role-check-failed = Ik kon de rollen van deze server niet bij Discord opvragen ({ $reason }). Er is niets gewijzigd; probeer het opnieuw.

## Licentierollen en aanvragen
settings-license-role-saved = Leden met een licentie van *{ $subscription }* krijgen <@&{ $role }> zolang het actief of verlopen is.
settings-license-role-removed = *{ $subscription }* heeft geen licentierol meer; ik neem <@&{ $role }> af van de houders.
settings-license-role-none = *{ $subscription }* heeft geen licentierol. Er is niets gewijzigd.
request-posted = Uw aanvraag voor een licentie van *{ $subscription }* is naar de beheerders gestuurd. Als uw privéberichten openstaan, laat ik u weten wat zij besluiten.
button-approve = Goedkeuren
button-deny = Weigeren
request-approved-line = ✅ Goedgekeurd door <@{ $by }> op <t:{ $at }:f>.
request-denied-line = ❌ Geweigerd door <@{ $by }> op <t:{ $at }:f>.
request-expired-line = ⌛ Verlopen op <t:{ $at }:f>: niemand heeft binnen 7 dagen beslist.
request-approved-reply = Goedgekeurd: <@{ $user }> heeft nu een licentie van *{ $subscription }* ({ $count }).
request-denied-reply = Geweigerd: <@{ $user }> krijgt geen licentie van *{ $subscription }*.
notice-license-request = <@{ $user }> vraagt een licentie van *{ $subscription }* aan ({ $product }).
notice-licenses-full = De laatste vrije licentie van *{ $subscription }* is zojuist toegewezen: { $seats ->
    [one] de enige licentie is in gebruik.
   *[other] alle { $seats } zijn in gebruik.
} Voeg licenties toe met /meer-licenties-toevoegen.
notice-member-gone = <@{ $user }> is geen lid meer van deze server; { $count ->
    [one] de licentie van { $subscriptions } is vrijgegeven.
   *[other] de licenties van { $subscriptions } zijn vrijgegeven.
}
notice-role-refused = Discord liet mij <@&{ $role }> niet wijzigen ({ $error }). Ik ben ermee gestopt: geef mij Rollen beheren en zet mijn rol erboven, en koppel de rol dan opnieuw met /instellingen licentierol.
notice-role-halted-powerful = <@&{ $role }> heeft nu { $powers }, en dat geeft macht over de server, dus ik geef die rol niet meer met licenties: een licentierol geeft toegang, nooit macht. Haal die machtigingen van de rol af en koppel hem dan opnieuw met /instellingen licentierol.
notice-role-halted-manager = <@&{ $role }> is nu de beheerdersrol van deze server, dus ik geef die rol niet meer met licenties. Kies een andere beheerdersrol of licentierol en koppel hem dan opnieuw met /instellingen licentierol.
dm-request-approved = Uw aanvraag voor een licentie van *{ $subscription }* is goedgekeurd door <@{ $by }>.
dm-request-denied = Uw aanvraag voor een licentie van *{ $subscription }* is geweigerd door <@{ $by }>.

## De controlelijst (/instellingen overzicht): één regel per punt, ✅ of ⚠️ met wat te doen
settings-show-title = De instellingen van licensebot in deze server
language-name = Nederlands
permission-view-channel = Kanaal bekijken
permission-send-messages = Berichten versturen
permission-embed-links = Links insluiten
check-channel-none = ⚠️ Er is geen meldingskanaal ingesteld: meldingen wachten erop (ten hoogste 7 dagen), en niemand ziet ze. Stel er een in met /instellingen meldingen.
check-channel-ok = ✅ Meldingen worden geplaatst in <#{ $channel }>.
check-channel-gone = ⚠️ Het meldingskanaal <#{ $channel }> bestaat niet meer. Kies een ander met /instellingen meldingen.
check-channel-hidden = ⚠️ Ik kan <#{ $channel }> niet zien. Geef mij daar Kanaal bekijken (Kanaal bewerken → Machtigingen), of kies een ander kanaal met /instellingen meldingen.
check-channel-missing = ⚠️ Ik mis { $permissions } in <#{ $channel }>. Geef mij die daar (Kanaal bewerken → Machtigingen), of kies een ander kanaal met /instellingen meldingen.
check-channel-unknown = ⚠️ Ik kon <#{ $channel }> niet bij Discord controleren ({ $reason }). Probeer het zo opnieuw.
check-manager-none = ✅ Geen beheerdersrol: leden met de machtiging Server beheren gebruiken licensebot. Wilt u een andere rol het laten gebruiken, gebruik dan /instellingen beheerdersrol.
check-manager-shown = ✅ Leden van <@&{ $role }> mogen licensebot gebruiken, en Discord toont hun de opdrachten.
check-manager-hidden = ⚠️ Leden van <@&{ $role }> mogen licensebot gebruiken, maar Discord verbergt de opdrachten voor hen. Serverinstellingen → Integraties → licensebot → <@&{ $role }> toevoegen.
check-manager-gone = ⚠️ De beheerdersrol bestaat niet meer. Kies een andere met /instellingen beheerdersrol, of laat de rol weg om hem te wissen.
check-manager-unknown = ⚠️ Ik kon Discord niet vragen of het de opdrachten van licensebot aan <@&{ $role }> toont ({ $reason }). Zo niet: Serverinstellingen → Integraties → licensebot → <@&{ $role }> toevoegen.
check-language-server = ✅ Taal van meldingen, aanvragen en privéberichten: { $language }, de taal van deze server in Discord. Kies een andere met /instellingen taal.
settings-language-saved = Meldingen, aanvragen en privéberichten in deze server zijn vanaf nu in deze taal: { $language }.
check-language-chosen = ✅ Taal van meldingen, aanvragen en privéberichten: { $language } (gekozen met /instellingen taal).
check-roles-none = ✅ Er zijn geen licentierollen gekoppeld (/instellingen licentierol).
check-roles-unknown = ⚠️ Ik kon de rollen van deze server niet bij Discord opvragen ({ $reason }), dus de licentierollen zijn niet gecontroleerd. Probeer het zo opnieuw.
check-role-ok = ✅ <@&{ $role }> hoort bij de licenties van *{ $subscription }*, en ik kan die rol geven.
check-role-gone = ⚠️ De licentierol van *{ $subscription }* bestaat niet meer. Koppel een andere met /instellingen licentierol.
check-role-no-manage-roles = ⚠️ Ik kan <@&{ $role }> (*{ $subscription }*) niet geven: ik heb de machtiging Rollen beheren nodig. Geef die aan mijn rol in Serverinstellingen → Rollen.
check-role-not-below = ⚠️ Ik kan <@&{ $role }> (*{ $subscription }*) niet geven: die rol staat niet onder mijn hoogste rol. Sleep in Serverinstellingen → Rollen mijn rol erboven.
check-role-powerful = ⚠️ <@&{ $role }> (*{ $subscription }*) heeft { $powers }, en dat geeft macht over de server, dus ik geef die rol niet. Haal die machtigingen eraf in Serverinstellingen → Rollen en koppel de rol dan opnieuw met /instellingen licentierol.
check-role-unusable = ⚠️ <@&{ $role }> kan niet de licentierol van *{ $subscription }* zijn (het is @everyone, de rol van een integratie of de beheerdersrol). Koppel een andere met /instellingen licentierol.
check-ending-none = ✅ Er eindigt geen abonnement binnen 30 dagen.
check-ending = ⚠️ *{ $subscription }* eindigt <t:{ $at }:R> (op <t:{ $at }:D>). Verleng het met /verlengen.
check-waiting-none = ✅ Er wachten geen meldingen op een kanaal.
check-waiting = ⚠️ { $count ->
    [one] 1 melding wacht
   *[other] { $count } meldingen wachten
} op een meldingskanaal en { $count ->
    [one] wordt
   *[other] worden
} bewaard tot <t:{ $until }:f>. Stel er een in met /instellingen meldingen.

## Terugnemen wat verkocht is (src/discord/render_refunds.rs)
notice-reversal-seats = De leverancier heeft de productcode eindigend op `{ $tail }` teruggedraaid: *{ $subscription }* heeft nu { $seats_after }, was { $seats_before }.
notice-reversal-ends = De leverancier heeft de productcode eindigend op `{ $tail }` teruggedraaid: *{ $subscription }* eindigt nu op { $ends_after }, was { $ends_before }.
notice-reversal-both = De leverancier heeft de productcode eindigend op `{ $tail }` teruggedraaid: *{ $subscription }* heeft nu { $seats_after }, was { $seats_before }, en eindigt op { $ends_after }, was { $ends_before }.
notice-reversal-released = { $count ->
    [one] De licentie van { $members } is vrijgegeven zodat het past.
   *[other] De licenties van { $members } zijn vrijgegeven zodat het past.
}
redemptions-reversals = Teruggedraaid (terugbetalingen)
redemptions-line-reversal = <t:{ $at }:f> · productcode eindigend op `{ $tail }` teruggedraaid · *{ $subscription }* · { $change }
redemptions-reversal-seats = { $before } → { $after } licenties
redemptions-reversal-ends = einddatum { $before } → { $after }
state-suspended = Opgeschort
error-suspended = *{ $subscription }* is opgeschort door de leverancier. Neem contact op met de leverancier.
notice-suspended = *{ $subscription }* is opgeschort door de leverancier. Licenties blijven toegewezen, maar geven geen toegang tot de leverancier het hervat.
notice-resumed = *{ $subscription }* is hervat door de leverancier: de licenties geven weer toegang.
