# licensebot — polski (pl). Terminy z centrum administracyjnego Microsoft 365: klucz produktu,
# subskrypcja, licencja (licencje, licencji), zrealizować, przedłużyć datę zakończenia.
# Rejestr: bezosobowy i tryb rozkazujący, jak w interfejsie Microsoft.
# Discord pokazuje <@user>, <#channel>, <@&role> i <t:unix:style> w czasie każdego czytającego.

## Polecenia (nazwy: małe litery, bez spacji, najwyżej 32 znaki)
cmd-add-licenses-name = dodaj-licencje
cmd-add-licenses-desc = Dodaj licencje do subskrypcji za pomocą przedpłaconych kluczy produktu
cmd-extend-name = przedłuż
cmd-extend-desc = Przedłuż datę zakończenia subskrypcji za pomocą przedpłaconych kluczy produktu
cmd-activate-name = aktywuj
cmd-activate-desc = Rozpocznij nową subskrypcję za pomocą przedpłaconych kluczy produktu
cmd-subscriptions-name = subskrypcje
cmd-subscriptions-desc = Twoje produkty: subskrypcje tego serwera
cmd-redemptions-name = realizacje
cmd-redemptions-desc = Realizacje kluczy na tym serwerze, od najnowszych
cmd-settings-name = ustawienia
cmd-settings-desc = Ustawienia licensebot dla tego serwera
cmd-settings-notices-name = powiadomienia
cmd-settings-notices-desc = Gdzie publikowane są powiadomienia o realizacjach i subskrypcjach
cmd-settings-manager-role-name = rola-menedżera
cmd-settings-manager-role-desc = Rola, której członkowie mogą używać licensebot bez uprawnienia Zarządzanie serwerem
opt-subscription-name = subskrypcja
opt-subscription-desc = Subskrypcja
opt-name-name = nazwa
opt-name-desc = Nazwa nowej subskrypcji, unikatowa na tym serwerze
opt-keys-name = klucze
opt-keys-desc = Klucze produktu (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX), rozdzielone spacjami lub przecinkami
opt-channel-name = kanał
opt-channel-desc = Kanał na powiadomienia
opt-role-name = rola
opt-role-desc = Rola menedżera; pomiń ją, aby ją usunąć

## Słowa
kind-add-licenses = Dodaj licencje
kind-extend = Przedłuż datę zakończenia
kind-activate = Nowa subskrypcja
state-active = Aktywna
state-expired = Wygasła
state-disabled = Wyłączona
state-deleted = Usunięta
licenses = { $count ->
    [one] 1 licencja
    [few] { $count } licencje
    [many] { $count } licencji
   *[other] { $count } licencji
}
product-keys = { $count ->
    [one] 1 klucz produktu
    [few] { $count } klucze produktu
    [many] { $count } kluczy produktu
   *[other] { $count } klucza produktu
}
term-months = { $count ->
    [one] 1 miesiąc
    [few] { $count } miesiące
    [many] { $count } miesięcy
   *[other] { $count } miesiąca
}
term-days = { $count ->
    [one] 1 dzień
    [few] { $count } dni
    [many] { $count } dni
   *[other] { $count } dnia
}

## Odrzucone klucze (jeden komunikat na przyczynę)
refusal-character = `{ $masked }` nie jest prawidłowym kluczem produktu: znak { $position } ('{ $found }') nigdy nie występuje w kluczach produktu.
refusal-length = `{ $masked }` nie jest prawidłowym kluczem produktu: liczba znaków to { $found }, a klucz produktu ma ich 25.
refusal-unknown = Klucz produktu kończący się na `{ $tail }` jest nieprawidłowy. Sprawdź go i spróbuj ponownie.
refusal-redeemed = Klucz produktu kończący się na `{ $tail }` został już użyty. Wprowadź inny klucz produktu.
refusal-revoked = Klucz produktu kończący się na `{ $tail }` został unieważniony.
refusal-expired = Klucz produktu kończący się na `{ $tail }` wygasł.
refusal-other-product = Klucz produktu kończący się na `{ $tail }` jest przeznaczony dla *{ $key_product }*, a nie dla *{ $subscription_product }*.
refusal-repeated = Ten klucz produktu został już wprowadzony (`{ $masked }`).
refusal-repeated-unnamed = Ten klucz produktu został już wprowadzony.
refusal-nothing-changed = Nic nie zostało zmienione.

## Odrzucone zamówienia
error-not-in-guild = licensebot działa tylko na serwerach.
error-not-allowed = Do korzystania z licensebot potrzebne jest uprawnienie Zarządzanie serwerem lub rola menedżera.
error-settings-not-allowed = Do zmiany ustawień licensebot potrzebne jest uprawnienie Zarządzanie serwerem.
error-subscription-not-found = Ten serwer nie ma takiej subskrypcji. Wybierz subskrypcję z listy.
error-name-empty = Nadaj nowej subskrypcji nazwę.
error-name-too-long = Nazwa subskrypcji może mieć najwyżej tyle znaków: { $max }; ta ma ich { $found }.
error-name-control = Nazwa subskrypcji nie może zawierać podziałów wiersza, znaków sterujących ani znaków niewidocznych lub zmieniających kierunek tekstu, takich jak spacja o zerowej szerokości (znak { $position }).
error-name-taken = Ten serwer ma już subskrypcję o nazwie *{ $subscription }*. Wybierz inną nazwę albo dodaj do niej licencje poleceniem /dodaj-licencje lub przedłuż ją poleceniem /przedłuż.
error-name-taken-deleted = *{ $subscription }* to nazwa usuniętej subskrypcji tego serwera, a nazwa pozostaje zajęta po usunięciu subskrypcji. Wybierz inną nazwę.
error-no-keys = Wprowadź co najmniej jeden klucz produktu.
error-too-many-keys = Maksymalna liczba kluczy produktu w zamówieniu to { $max }; po dodaniu tych byłoby ich { $entered }.
error-seat-cap = Liczba licencji subskrypcji *{ $subscription }* wyniosłaby { $would_have }; *{ $product }* pozwala na najwyżej { $max }.
error-wrong-state-add = Stan subskrypcji *{ $subscription }*: { $state }. Licencje można dodawać tylko do aktywnej subskrypcji. Najpierw użyj polecenia /przedłuż.
error-wrong-state-extend = Subskrypcja *{ $subscription }* została usunięta; nie można jej już przedłużyć.
error-less-than-a-day = Te klucze produktu przedłużyłyby subskrypcję *{ $subscription }* o mniej niż jeden dzień.
error-out-of-range = Te klucze produktu przesunęłyby daty poza kalendarz.
error-locked-out = Odrzucono zbyt wiele kluczy produktu. Klucze produktu będzie można znowu wprowadzić <t:{ $until }:R>.
error-order-not-found = To zamówienie nie istnieje na tym serwerze. Zacznij od nowa poleceniem /dodaj-licencje, /przedłuż lub /aktywuj.
error-not-your-order = To zamówienie należy do kogoś innego.
error-order-expired = To zamówienie wygasło. Nic nie zostało zrealizowane; zacznij od nowa poleceniem /dodaj-licencje, /przedłuż lub /aktywuj.
error-order-cancelled = To zamówienie zostało anulowane. Nic nie zostało zrealizowane.
error-order-redeemed = To zamówienie zostało już zrealizowane przez <@{ $user }> <t:{ $at }:f>.
error-key-taken = Klucz produktu kończący się na `{ $tail }` został już zrealizowany przez <@{ $user }> <t:{ $at }:f>. Nic nie zostało zrealizowane: anuluj to zamówienie i zacznij od nowa bez tego klucza.
error-stale-button = Ten przycisk nie jest już aktualny.
busy = licensebot jest zajęty; spróbuj ponownie za chwilę. Nic nie zostało zmienione.
error-internal = Coś poszło nie tak i nic nie zostało zmienione. Spróbuj ponownie. (identyfikator błędu { $id })
error-undecodable = Nie udało mi się tego odczytać; nic nie zostało zmienione.

## Przegląd
review-title-add = Przejrzyj zamówienie: dodaj licencje
review-title-extend = Przejrzyj zamówienie: przedłuż datę zakończenia
review-title-activate = Przejrzyj zamówienie: nowa subskrypcja
review-subscription = Subskrypcja
review-keys = Klucze produktu
review-key-line = `{ $masked }` · { $licenses } · { $term }
review-licenses = Licencje
review-end-date = Data zakończenia
review-unchanged = { $value } (bez zmian)
review-change = { $before } → { $after }
review-new-subscription = Nowa subskrypcja *{ $subscription }* · { $product } · { $licenses } · kończy się { $ends_on }
review-ends-from-today = { $ends_on } ({ $term } od dziś, { $today })
review-seat-time = Czas licencji
review-seat-time-part = { $seats } × { $days } dni
review-seat-time-sum = { $parts } = { $seat_days } dni licencji ÷ { $seats } (liczba licencji) = { $days } dni (w zaokrągleniu w dół)
review-base-today = Subskrypcja *{ $subscription }* jest wyłączona, więc przedłużenie liczy się od dziś, { $today }.
review-coterm = Te licencje kończą się razem z subskrypcją { $ends_on }; aby ją przedłużyć, użyj polecenia /przedłuż.
review-expires = To zamówienie wygaśnie <t:{ $at }:R>.
button-redeem = Zrealizuj
button-add-key = Dodaj kolejny klucz produktu
button-cancel = Anuluj
modal-title = Dodaj kolejny klucz produktu
modal-keys-label = Klucze produktu
modal-keys-placeholder = XXXXX-XXXXX-XXXXX-XXXXX-XXXXX

## Po zamówieniu
receipt-title = Zrealizowano
receipt-body = Zrealizowano { $keys } w subskrypcji *{ $subscription }*.
receipt-body-activate = Zrealizowano { $keys }: subskrypcja *{ $subscription }* została rozpoczęta.
receipt-order-closed = Zamówienie zamknięte.
cancelled = Zamówienie anulowane. Nic nie zostało zrealizowane.
expired-review = To zamówienie wygasło. Nic nie zostało zrealizowane; zacznij od nowa poleceniem /dodaj-licencje, /przedłuż lub /aktywuj.

## Listy
subscriptions-title = Twoje produkty
subscriptions-empty = Ten serwer nie ma jeszcze subskrypcji. Rozpocznij subskrypcję poleceniem /aktywuj i swoimi kluczami produktu.
subscriptions-line = { $product } · { $assigned } · kończy się { $ends_on } · **{ $state }**
redemptions-title = Realizacje
redemptions-title-for = Realizacje: { $subscription }
redemptions-empty = Nie ma jeszcze realizacji.
redemptions-line-add = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · licencje: { $before } → { $after } · { $keys }
redemptions-line-extend = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · data zakończenia { $before } → { $after } · { $keys }
redemptions-line-activate = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · rozpoczęta: { $licenses } do { $ends_on } · { $keys }
redemptions-page = Strona { $page } z { $pages }
button-newer = Nowsze
button-older = Starsze

## Ustawienia
settings-notices-saved = Powiadomienia będą publikowane na kanale <#{ $channel }>.
settings-notices-failed = Nie mogę publikować na kanale <#{ $channel }> ({ $reason }). Nadaj mi tam uprawnienia Wysyłanie wiadomości i Osadzanie linków albo wybierz inny kanał. Nic nie zostało zmienione.
settings-notices-other-server = <#{ $channel }> nie jest kanałem tego serwera. Wybierz jeden z kanałów tego serwera. Nic nie zostało zmienione.
settings-notices-hello = licensebot będzie publikować na tym kanale powiadomienia o realizacjach i subskrypcjach.
settings-role-saved = Członkowie roli <@&{ $role }> mogą teraz używać licensebot. Discord pokaże im jego polecenia dopiero po dodaniu roli do licensebot: Ustawienia serwera → Integracje → licensebot → dodaj <@&{ $role }>. Polecenie /ustawienia pokaż sprawdza, czy to zrobiono.

## Powiadomienia (w języku serwera; nigdy klucz produktu)
notice-redemption-add = <@{ $user }> dodaje do subskrypcji *{ $subscription }*: { $added }. Licencje: { $before } → { $after } ({ $keys }).
notice-redemption-extend = <@{ $user }> przedłuża subskrypcję *{ $subscription }*: data zakończenia { $before } → { $after } ({ $keys }).
notice-redemption-activate = <@{ $user }> rozpoczyna subskrypcję *{ $subscription }* ({ $product }): { $licenses } do { $ends_on }, { $keys }.
notice-reminder = Subskrypcja *{ $subscription }* kończy się { $ends_on }, { $days ->
    [0] czyli dziś
    [one] czyli za 1 dzień
    [few] czyli za { $days } dni
    [many] czyli za { $days } dni
   *[other] czyli za { $days } dnia
}. Przedłuż ją poleceniem /przedłuż.
notice-state-expired = Subskrypcja *{ $subscription }* wygasła { $ends_on }. Użytkownicy na razie zachowują dostęp; przedłuż ją poleceniem /przedłuż.
notice-state-disabled = Subskrypcja *{ $subscription }* jest teraz wyłączona. Przedłuż ją poleceniem /przedłuż, aby ją przywrócić.
notice-state-deleted = Subskrypcja *{ $subscription }* została usunięta.
notice-lockout = <@{ $user }> wprowadza zbyt wiele nieprawidłowych kluczy produktu; wprowadzanie kluczy jest zablokowane do <t:{ $until }:t>.

## Licencje przypisane członkom
cmd-licenses-name = licencje
cmd-licenses-desc = Przypisuj licencje tego serwera członkom, odbieraj je i sprawdzaj, kto je ma
cmd-licenses-assign-name = przypisz
cmd-licenses-assign-desc = Przypisz członkowi licencję subskrypcji
cmd-licenses-unassign-name = odbierz
cmd-licenses-unassign-desc = Odbierz członkowi licencję subskrypcji
cmd-licenses-list-name = lista
cmd-licenses-list-desc = Kto ma licencje subskrypcji
cmd-my-licenses-name = moje-licencje
cmd-my-licenses-desc = Licencje, które masz na tym serwerze
cmd-request-license-name = poproś-o-licencję
cmd-request-license-desc = Poproś administratorów tego serwera o licencję subskrypcji
cmd-settings-license-role-name = rola-licencji
cmd-settings-license-role-desc = Rola, którą mają członkowie z licencją subskrypcji
opt-user-name = członek
opt-user-desc = Członek serwera
opt-license-role-desc = Rola; pomiń ją, aby odłączyć rolę od subskrypcji
assigned-of = przypisane: { $assigned } z { $seats }
license-assigned = <@{ $user }> ma teraz licencję subskrypcji *{ $subscription }*: { $count }.
license-unassigned = <@{ $user }> nie ma już licencji subskrypcji *{ $subscription }*: { $count }.
licenses-title = Licencje: { $subscription }
licenses-empty = Nikt nie ma jeszcze licencji subskrypcji *{ $subscription }*. Przypisz ją poleceniem /licencje przypisz.
licenses-line = <@{ $user }> · od <t:{ $at }:d> · przypisał(a) <@{ $by }>
licenses-line-requested = <@{ $user }> · od <t:{ $at }:d> · zatwierdził(a) <@{ $by }> na prośbę
licenses-line-operator = <@{ $user }> · od <t:{ $at }:d> · z wiersza poleceń
licenses-role = Rola licencji: <@&{ $role }>
licenses-page = Strona { $page } z { $pages }
my-licenses-title = Twoje licencje
my-licenses-empty = Nie masz licencji na tym serwerze. Poproś o licencję poleceniem /poproś-o-licencję.
my-licenses-line = { $product } · kończy się { $ends_on } · **{ $state }**

## Odrzucone zmiany licencji (jeden komunikat na przyczynę; nic nie zostało zmienione)
license-refused-bot = <@{ $user }> jest botem, a boty nie mają licencji.
license-refused-not-member = <@{ $user }> nie jest członkiem tego serwera.
license-refused-disabled = Subskrypcja *{ $subscription }* jest wyłączona: nie można przypisywać licencji, dopóki nie zostanie przedłużona poleceniem /przedłuż.
license-refused-deleted = Subskrypcja *{ $subscription }* została usunięta: jej licencje wygasły.
license-refused-already = <@{ $user }> ma już licencję subskrypcji *{ $subscription }*.
license-refused-full = { $seats ->
    [one] Jedyna licencja subskrypcji *{ $subscription }* jest przypisana.
    [few] Wszystkie { $seats } licencje subskrypcji *{ $subscription }* są przypisane.
    [many] Wszystkie { $seats } licencji subskrypcji *{ $subscription }* są przypisane.
   *[other] Wszystkie licencje subskrypcji *{ $subscription }* ({ $seats }) są przypisane.
} Dodaj licencje poleceniem /dodaj-licencje albo odbierz komuś licencję.
license-refused-not-assigned = <@{ $user }> nie ma licencji subskrypcji *{ $subscription }*. Nic nie zostało zmienione.
request-refused-open = Prośba o licencję subskrypcji *{ $subscription }* została już wysłana <t:{ $since }:R>; decyzję podejmą administratorzy.
request-refused-cooldown-denied = Ostatnia prośba dotycząca subskrypcji *{ $subscription }* została odrzucona. Ponowną prośbę można wysłać <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-cooldown-expired = Ostatnia prośba dotycząca subskrypcji *{ $subscription }* wygasła bez decyzji. Ponowną prośbę można wysłać <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-too-many = Liczba otwartych próśb na tym serwerze: { $open }, czyli najwięcej, ile może mieć członek. Kolejną prośbę można wysłać, gdy administratorzy rozpatrzą jedną z nich albo gdy pierwsza wygaśnie <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-approved = Ta prośba została już zatwierdzona przez <@{ $user }> <t:{ $at }:f>.
request-refused-denied = Ta prośba została już odrzucona przez <@{ $user }> <t:{ $at }:f>.
request-refused-expired = Ta prośba wygasła <t:{ $at }:R>. Członek może poprosić ponownie poleceniem /poproś-o-licencję.
request-refused-not-found = Ta prośba nie istnieje na tym serwerze.
request-refused-no-channel = Ten serwer nie ma jeszcze kanału powiadomień dla próśb. Poproś administratora o ustawienie go poleceniem /ustawienia powiadomienia.
request-refused-not-allowed = Tylko administratorzy (Zarządzanie serwerem lub rola menedżera) mogą rozpatrywać prośby. Nic nie zostało zmienione.
role-refused-everyone = @everyone nie może być rolą licencji: ma ją każdy członek. Wybierz inną rolę.
role-refused-managed = Rolą <@&{ $role }> zarządza bot lub integracja, więc licensebot nie może nadawać jej członkom. Wybierz inną rolę.
role-refused-no-manage-roles = Do nadawania członkom roli <@&{ $role }> potrzebuję uprawnienia Zarządzanie rolami. Przyznaj je mojej roli i spróbuj ponownie. Nic nie zostało zmienione.
role-refused-not-below = Rola <@&{ $role }> nie jest niżej niż moja najwyższa rola, więc Discord nie pozwala mi jej nadawać. W Ustawieniach serwera → Role przeciągnij moją rolę nad nią i spróbuj ponownie. Nic nie zostało zmienione.
role-refused-manager = <@&{ $role }> to rola menedżera tego serwera: jej członkowie mogą używać poleceń administracyjnych licensebot, więc nie można jej nadawać z licencją. Wybierz inną rolę. Nic nie zostało zmienione.
role-refused-powerful = Rola <@&{ $role }> ma uprawnienia { $powers }, które dają władzę nad serwerem. Rola licencji daje dostęp, nigdy władzę: wybierz rolę bez tych uprawnień albo usuń je z tej roli w Ustawieniach serwera → Role. Nic nie zostało zmienione.
power-administrator = Administrator
power-manage-server = Zarządzanie serwerem
power-manage-roles = Zarządzanie rolami
power-manage-channels = Zarządzanie kanałami
power-manage-webhooks = Zarządzanie webhookami
power-manage-messages = Zarządzanie wiadomościami
power-kick-members = Wyrzucanie członków
power-ban-members = Banowanie członków
power-moderate-members = Wyciszanie członków
power-mention-everyone = Wzmianka o @everyone, @here i wszystkich rolach
role-check-failed = Nie udało mi się odczytać ról tego serwera z Discorda ({ $reason }). Nic nie zostało zmienione; spróbuj ponownie.

## Role licencji i prośby
settings-license-role-saved = Członkowie z licencją subskrypcji *{ $subscription }* będą mieć rolę <@&{ $role }>, dopóki subskrypcja jest aktywna lub wygasła.
settings-license-role-removed = Subskrypcja *{ $subscription }* nie ma już roli licencji; odbieram rolę <@&{ $role }> posiadaczom jej licencji.
settings-license-role-none = Subskrypcja *{ $subscription }* nie ma roli licencji. Nic nie zostało zmienione.
request-posted = Prośba o licencję subskrypcji *{ $subscription }* została wysłana do administratorów. Jeśli wiadomości prywatne są otwarte, powiadomię o ich decyzji.
button-approve = Zatwierdź
button-deny = Odrzuć
request-approved-line = ✅ Zatwierdzona przez <@{ $by }> <t:{ $at }:f>.
request-denied-line = ❌ Odrzucona przez <@{ $by }> <t:{ $at }:f>.
request-expired-line = ⌛ Wygasła <t:{ $at }:f>: nikt nie podjął decyzji w ciągu 7 dni.
request-approved-reply = Zatwierdzono: <@{ $user }> ma teraz licencję subskrypcji *{ $subscription }* ({ $count }).
request-denied-reply = Odrzucono: <@{ $user }> nie otrzymuje licencji subskrypcji *{ $subscription }*.
notice-license-request = <@{ $user }> prosi o licencję subskrypcji *{ $subscription }* ({ $product }).
notice-licenses-full = Właśnie przypisano ostatnią wolną licencję subskrypcji *{ $subscription }*: { $seats ->
    [one] jej jedyna licencja jest w użyciu.
    [few] wszystkie { $seats } są w użyciu.
    [many] wszystkie { $seats } są w użyciu.
   *[other] wszystkie ({ $seats }) są w użyciu.
} Dodaj licencje poleceniem /dodaj-licencje.
notice-member-gone = <@{ $user }> nie ma już na tym serwerze; { $count ->
    [one] zwolniono licencję: { $subscriptions }.
    [few] zwolniono licencje: { $subscriptions }.
    [many] zwolniono licencje: { $subscriptions }.
   *[other] zwolniono licencje: { $subscriptions }.
}
notice-role-refused = Discord nie pozwolił mi zmienić roli <@&{ $role }> ({ $error }). Przestaję ją zmieniać: nadaj mi uprawnienie Zarządzanie rolami i umieść moją rolę nad nią, a potem połącz ją ponownie poleceniem /ustawienia rola-licencji.
notice-role-halted-powerful = Rola <@&{ $role }> ma teraz uprawnienia { $powers }, które dają władzę nad serwerem, więc przestaję ją nadawać z licencjami: rola licencji daje dostęp, nigdy władzę. Usuń z niej te uprawnienia, a potem połącz ją ponownie poleceniem /ustawienia rola-licencji.
notice-role-halted-manager = <@&{ $role }> jest teraz rolą menedżera tego serwera, więc przestaję ją nadawać z licencjami. Wybierz inną rolę menedżera lub rolę licencji, a potem połącz ją ponownie poleceniem /ustawienia rola-licencji.
dm-request-approved = Prośba o licencję subskrypcji *{ $subscription }* została zatwierdzona przez <@{ $by }>.
dm-request-denied = Prośba o licencję subskrypcji *{ $subscription }* została odrzucona przez <@{ $by }>.

## Odbieranie tego, co sprzedano (src/discord/render_refunds.rs)
notice-reversal-seats = Dostawca wycofał klucz produktu kończący się na `{ $tail }`: *{ $subscription }* ma teraz { $seats_after }, wcześniej { $seats_before }.
notice-reversal-ends = Dostawca wycofał klucz produktu kończący się na `{ $tail }`: *{ $subscription }* kończy się teraz { $ends_after }, wcześniej { $ends_before }.
notice-reversal-both = Dostawca wycofał klucz produktu kończący się na `{ $tail }`: *{ $subscription }* ma teraz { $seats_after }, wcześniej { $seats_before }, i kończy się { $ends_after }, wcześniej { $ends_before }.
notice-reversal-released = { $count ->
    [one] Licencja { $members } została zwolniona, aby się zmieścić.
    [few] Licencje { $members } zostały zwolnione, aby się zmieścić.
    [many] Licencje { $members } zostały zwolnione, aby się zmieścić.
   *[other] Licencje { $members } zostały zwolnione, aby się zmieścić.
}
redemptions-reversals = Wycofane (zwroty)
redemptions-line-reversal = <t:{ $at }:f> · klucz produktu kończący się na `{ $tail }` wycofany · *{ $subscription }* · { $change }
redemptions-reversal-seats = licencje: { $before } → { $after }
redemptions-reversal-ends = data zakończenia { $before } → { $after }
state-suspended = Zawieszona
error-suspended = Subskrypcja *{ $subscription }* została zawieszona przez dostawcę. Skontaktuj się z dostawcą.
notice-suspended = Subskrypcja *{ $subscription }* została zawieszona przez dostawcę. Licencje pozostają przypisane, ale nie dają dostępu, dopóki dostawca jej nie wznowi.
notice-resumed = Dostawca wznowił subskrypcję *{ $subscription }*: licencje znów dają dostęp.

cmd-settings-show-name = pokaż
cmd-settings-show-desc = Konfiguracja licensebot na tym serwerze w formie listy kontrolnej
cmd-settings-language-name = język
cmd-settings-language-desc = Język powiadomień, próśb i wiadomości prywatnych na tym serwerze
opt-language-name = język
opt-language-desc = Język
error-deleted = Subskrypcja *{ $subscription }* została usunięta: nie można już w niej nic zrealizować. Rozpocznij nową subskrypcję poleceniem /aktywuj, podając klucze produktu i nową nazwę (usunięta subskrypcja zachowuje swoją nazwę).
receipt-no-channel = Nie ustawiono kanału zespołu, więc nikt inny nie został powiadomiony: /ustawienia powiadomienia
settings-role-cleared = Nie ma już roli menedżera: licensebot mogą używać tylko członkowie z uprawnieniem Zarządzanie serwerem.

## Lista kontrolna konfiguracji (/ustawienia pokaż)
settings-show-title = Konfiguracja licensebot na tym serwerze
language-name = Polski
permission-view-channel = Wyświetlanie kanału
permission-send-messages = Wysyłanie wiadomości
permission-embed-links = Osadzanie linków
check-channel-none = ⚠️ Nie ustawiono kanału powiadomień: powiadomienia czekają na niego (do 7 dni) i nikt ich nie widzi. Ustaw go poleceniem /ustawienia powiadomienia.
check-channel-ok = ✅ Powiadomienia są publikowane na kanale <#{ $channel }>.
check-channel-gone = ⚠️ Kanał powiadomień <#{ $channel }> już nie istnieje. Wybierz inny poleceniem /ustawienia powiadomienia.
check-channel-hidden = ⚠️ Nie widzę kanału <#{ $channel }>. Nadaj mi tam uprawnienie Wyświetlanie kanału (Edytuj kanał → Uprawnienia) albo wybierz inny kanał poleceniem /ustawienia powiadomienia.
check-channel-missing = ⚠️ Brakuje mi tych uprawnień na kanale <#{ $channel }>: { $permissions }. Nadaj mi je tam (Edytuj kanał → Uprawnienia) albo wybierz inny kanał poleceniem /ustawienia powiadomienia.
check-channel-unknown = ⚠️ Nie udało mi się sprawdzić kanału <#{ $channel }> w Discordzie ({ $reason }). Spróbuj ponownie za chwilę.
check-manager-none = ✅ Brak roli menedżera: licensebot używają członkowie z uprawnieniem Zarządzanie serwerem. Aby dopuścić inną rolę, użyj polecenia /ustawienia rola-menedżera.
check-manager-shown = ✅ Członkowie roli <@&{ $role }> mogą używać licensebot, a Discord pokazuje im jego polecenia.
check-manager-hidden = ⚠️ Członkowie roli <@&{ $role }> mogą używać licensebot, ale Discord ukrywa przed nimi jego polecenia. Ustawienia serwera → Integracje → licensebot → dodaj <@&{ $role }>.
check-manager-gone = ⚠️ Rola menedżera już nie istnieje. Wybierz inną poleceniem /ustawienia rola-menedżera albo pomiń rolę, aby ją usunąć.
check-manager-unknown = ⚠️ Nie udało mi się zapytać Discorda, czy pokazuje polecenia licensebot roli <@&{ $role }> ({ $reason }). Jeśli nie: Ustawienia serwera → Integracje → licensebot → dodaj <@&{ $role }>.
check-language-server = ✅ Powiadomienia, prośby i wiadomości prywatne są w języku: { $language } (język tego serwera w Discordzie). Wybierz inny poleceniem /ustawienia język.
settings-language-saved = Od teraz powiadomienia, prośby i wiadomości prywatne na tym serwerze są w języku: { $language }.
check-language-chosen = ✅ Powiadomienia, prośby i wiadomości prywatne są w języku: { $language } (wybranym poleceniem /ustawienia język).
check-roles-none = ✅ Nie połączono żadnych ról licencji (/ustawienia rola-licencji).
check-roles-unknown = ⚠️ Nie udało mi się odczytać ról tego serwera z Discorda ({ $reason }), więc role licencji nie zostały sprawdzone. Spróbuj ponownie za chwilę.
check-role-ok = ✅ Rola <@&{ $role }> idzie w parze z licencjami subskrypcji *{ $subscription }* i mogę ją nadawać.
check-role-gone = ⚠️ Rola licencji subskrypcji *{ $subscription }* już nie istnieje. Połącz inną poleceniem /ustawienia rola-licencji.
check-role-no-manage-roles = ⚠️ Nie mogę nadawać roli <@&{ $role }> (*{ $subscription }*): potrzebuję uprawnienia Zarządzanie rolami. Przyznaj je mojej roli w Ustawieniach serwera → Role.
check-role-not-below = ⚠️ Nie mogę nadawać roli <@&{ $role }> (*{ $subscription }*): nie jest niżej niż moja najwyższa rola. W Ustawieniach serwera → Role przeciągnij moją rolę nad nią.
check-role-powerful = ⚠️ Rola <@&{ $role }> (*{ $subscription }*) ma uprawnienia { $powers }, które dają władzę nad serwerem, więc jej nie nadaję. Usuń je z niej w Ustawieniach serwera → Role, a potem połącz ją ponownie poleceniem /ustawienia rola-licencji.
check-role-unusable = ⚠️ Rola <@&{ $role }> nie może być rolą licencji subskrypcji *{ $subscription }* (to @everyone, rola integracji lub rola menedżera). Połącz inną poleceniem /ustawienia rola-licencji.
check-ending-none = ✅ Żadna subskrypcja nie kończy się w ciągu 30 dni.
check-ending = ⚠️ Subskrypcja *{ $subscription }* kończy się <t:{ $at }:R> (<t:{ $at }:D>). Przedłuż ją poleceniem /przedłuż.
check-waiting-none = ✅ Żadne powiadomienia nie czekają na kanał.
check-waiting = ⚠️ { $count ->
    [one] 1 powiadomienie czeka
    [few] { $count } powiadomienia czekają
    [many] { $count } powiadomień czeka
   *[other] { $count } powiadomienia czeka
} na kanał powiadomień, najdłużej do <t:{ $until }:f>. Ustaw go poleceniem /ustawienia powiadomienia.
