# licensebot — português do Brasil (pt-BR). Termos do Centro de administração do Microsoft 365:
# chave do produto, assinatura, licença(s), resgatar, estender a data de término. Tratamento: você.
# O Discord mostra <@user>, <#channel>, <@&role> e <t:unix:style> no horário de cada leitor.

## Comandos (nomes: minúsculas, sem espaços, no máximo 32 caracteres)
cmd-add-licenses-name = adicionar-licenças
cmd-add-licenses-desc = Adicionar licenças a uma assinatura com chaves do produto pré-pagas
cmd-extend-name = estender
cmd-extend-desc = Estender a data de término de uma assinatura com chaves do produto pré-pagas
cmd-activate-name = ativar
cmd-activate-desc = Iniciar uma nova assinatura com chaves do produto pré-pagas
cmd-subscriptions-name = assinaturas
cmd-subscriptions-desc = Seus produtos: as assinaturas deste servidor
cmd-redemptions-name = resgates
cmd-redemptions-desc = Os resgates feitos neste servidor, dos mais recentes aos mais antigos
cmd-settings-name = configurações
cmd-settings-desc = As configurações do licensebot para este servidor
cmd-settings-notices-name = avisos
cmd-settings-notices-desc = Onde os avisos de resgates e assinaturas são publicados
cmd-settings-manager-role-name = cargo-gerente
cmd-settings-manager-role-desc = Um cargo cujos membros podem usar o licensebot sem Gerenciar servidor
opt-subscription-name = assinatura
opt-subscription-desc = A assinatura
opt-name-name = nome
opt-name-desc = O nome da nova assinatura, único neste servidor
opt-keys-name = chaves
opt-keys-desc = Uma ou mais chaves do produto (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX), separadas por espaços ou vírgulas
opt-channel-name = canal
opt-channel-desc = O canal dos avisos
opt-role-name = cargo
opt-role-desc = O cargo de gerente; deixe-o de fora para removê-lo

## Palavras
kind-add-licenses = Adicionar licenças
kind-extend = Estender a data de término
kind-activate = Nova assinatura
state-active = Ativa
state-expired = Expirada
state-disabled = Desabilitada
state-deleted = Excluída
licenses = { $count ->
    [one] { $count } licença
   *[other] { $count } licenças
}
product-keys = { $count ->
    [one] { $count } chave do produto
   *[other] { $count } chaves do produto
}
term-months = { $count ->
    [one] { $count } mês
   *[other] { $count } meses
}
term-days = { $count ->
    [one] { $count } dia
   *[other] { $count } dias
}

## Chaves recusadas (uma mensagem por causa)
refusal-character = `{ $masked }` não é uma chave do produto válida: o caractere { $position } ('{ $found }') nunca é usado em chaves do produto.
refusal-length = `{ $masked }` não é uma chave do produto válida: ela tem { $found } caracteres, e as chaves do produto têm 25.
refusal-unknown = A chave do produto terminada em `{ $tail }` não é válida. Verifique-a e tente novamente.
refusal-redeemed = A chave do produto terminada em `{ $tail }` já foi usada. Insira outra chave do produto.
refusal-revoked = A chave do produto terminada em `{ $tail }` foi revogada.
refusal-expired = A chave do produto terminada em `{ $tail }` expirou.
refusal-other-product = A chave do produto terminada em `{ $tail }` é de *{ $key_product }*, não de *{ $subscription_product }*.
refusal-repeated = Você já inseriu esta chave do produto (`{ $masked }`).
refusal-repeated-unnamed = Você já inseriu esta chave do produto.
refusal-nothing-changed = Nada foi alterado.

## Pedidos recusados
error-not-in-guild = O licensebot funciona somente em servidores.
error-not-allowed = Você precisa da permissão Gerenciar servidor, ou do cargo de gerente, para usar o licensebot.
error-settings-not-allowed = Você precisa da permissão Gerenciar servidor para alterar as configurações do licensebot.
error-subscription-not-found = Este servidor não tem essa assinatura. Escolha uma da lista.
error-name-empty = Dê um nome à nova assinatura.
error-name-too-long = O nome de uma assinatura tem no máximo { $max } caracteres; este tem { $found }.
error-name-control = O nome de uma assinatura não pode conter quebras de linha, caracteres de controle nem caracteres invisíveis ou que mudam a direção do texto, como o espaço de largura zero (caractere { $position }).
error-name-taken = Este servidor já tem uma assinatura chamada *{ $subscription }*. Escolha outro nome, ou adicione licenças a ela com /adicionar-licenças ou estenda-a com /estender.
error-name-taken-deleted = *{ $subscription }* é o nome de uma assinatura excluída deste servidor, e um nome continua em uso depois que a assinatura é excluída. Escolha outro nome.
error-no-keys = Insira pelo menos uma chave do produto.
error-too-many-keys = Um pedido pode conter no máximo { $max } chaves do produto; com estas seriam { $entered }.
error-seat-cap = Isso daria a *{ $subscription }* { $would_have } licenças; *{ $product }* permite no máximo { $max }.
error-wrong-state-add = *{ $subscription }* está no estado { $state }: só é possível adicionar licenças a uma assinatura ativa. Use /estender primeiro.
error-wrong-state-extend = *{ $subscription }* foi excluída; ela não pode mais ser estendida.
error-less-than-a-day = Estas chaves do produto estenderiam *{ $subscription }* em menos de um dia.
error-out-of-range = Estas chaves do produto levariam as datas além do calendário.
error-locked-out = Muitas chaves do produto foram recusadas. Você poderá inserir chaves do produto novamente <t:{ $until }:R>.
error-order-not-found = Este pedido não existe neste servidor. Comece de novo com /adicionar-licenças, /estender ou /ativar.
error-not-your-order = Este pedido pertence a outra pessoa.
error-order-expired = Este pedido expirou. Nada foi resgatado; comece de novo com /adicionar-licenças, /estender ou /ativar.
error-order-cancelled = Este pedido foi cancelado. Nada foi resgatado.
error-order-redeemed = Este pedido já foi resgatado por <@{ $user }> em <t:{ $at }:f>.
error-key-taken = A chave do produto terminada em `{ $tail }` já foi resgatada por <@{ $user }> em <t:{ $at }:f>. Nada foi resgatado: cancele este pedido e comece de novo sem essa chave.
error-stale-button = Este botão não é mais válido.
busy = O licensebot está ocupado; tente novamente em instantes. Nada foi alterado.
error-internal = Algo deu errado, e nada foi alterado. Tente novamente. (ID do erro { $id })
error-undecodable = Não consegui ler isto; nada foi alterado.

## Revisão
review-title-add = Revise seu pedido: adicionar licenças
review-title-extend = Revise seu pedido: estender a data de término
review-title-activate = Revise seu pedido: nova assinatura
review-subscription = Assinatura
review-keys = Chaves do produto
review-key-line = `{ $masked }` · { $licenses } · { $term }
review-licenses = Licenças
review-end-date = Data de término
review-unchanged = { $value } (inalterada)
review-change = { $before } → { $after }
review-new-subscription = Nova assinatura *{ $subscription }* · { $product } · { $licenses } · termina em { $ends_on }
review-ends-from-today = { $ends_on } ({ $term } a partir de hoje, { $today })
review-seat-time = Tempo por licença
review-seat-time-part = { $seats } × { $days } dias
review-seat-time-sum = { $parts } = { $seat_days } dias-licença ÷ { $seats } licenças = { $days } dias (arredondado para baixo)
review-base-today = *{ $subscription }* está desabilitada, então a extensão conta a partir de hoje, { $today }.
review-coterm = Estas licenças terminam com a assinatura em { $ends_on }; use /estender para estendê-la.
review-expires = Este pedido expira <t:{ $at }:R>.
button-redeem = Resgatar
button-add-key = Adicionar outra chave do produto
button-cancel = Cancelar
modal-title = Adicionar outra chave do produto
modal-keys-label = Chaves do produto
modal-keys-placeholder = XXXXX-XXXXX-XXXXX-XXXXX-XXXXX

## Depois do pedido
receipt-title = Resgatado
receipt-body = Resgate concluído em *{ $subscription }*: { $keys }.
receipt-body-activate = Resgate concluído: { $keys }. *{ $subscription }* foi iniciada.
receipt-order-closed = Pedido encerrado.
cancelled = Pedido cancelado. Nada foi resgatado.
expired-review = Este pedido expirou. Nada foi resgatado; comece de novo com /adicionar-licenças, /estender ou /ativar.

## Listas
subscriptions-title = Seus produtos
subscriptions-empty = Este servidor ainda não tem assinaturas. Inicie uma com /ativar e suas chaves do produto.
subscriptions-line = { $product } · { $assigned } · termina em { $ends_on } · **{ $state }**
redemptions-title = Resgates
redemptions-title-for = Resgates: { $subscription }
redemptions-empty = Nenhum resgate ainda.
redemptions-line-add = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · { $before } → { $after } licenças · { $keys }
redemptions-line-extend = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · data de término { $before } → { $after } · { $keys }
redemptions-line-activate = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · iniciada: { $licenses } até { $ends_on } · { $keys }
redemptions-page = Página { $page } de { $pages }
button-newer = Mais recentes
button-older = Mais antigos

## Configurações
settings-notices-saved = Os avisos serão publicados em <#{ $channel }>.
settings-notices-failed = Não consigo publicar em <#{ $channel }> ({ $reason }). Dê-me as permissões Enviar mensagens e Inserir links nesse canal, ou escolha outro canal. Nada foi alterado.
settings-notices-other-server = <#{ $channel }> não é um canal deste servidor. Escolha um dos canais deste servidor. Nada foi alterado.
settings-notices-hello = O licensebot publicará os avisos de resgates e assinaturas neste canal.
settings-role-saved = Os membros de <@&{ $role }> agora podem usar o licensebot. O Discord só mostra a eles os comandos do licensebot depois que o cargo for adicionado ao licensebot: Configurações do servidor → Integrações → licensebot → adicione <@&{ $role }>. /configurações mostrar informa se isso já foi feito.

## Avisos (no idioma do servidor; nunca uma chave do produto)
notice-redemption-add = <@{ $user }> adicionou { $added } a *{ $subscription }*: { $before } → { $after } licenças ({ $keys }).
notice-redemption-extend = <@{ $user }> estendeu *{ $subscription }*: data de término { $before } → { $after } ({ $keys }).
notice-redemption-activate = <@{ $user }> iniciou *{ $subscription }* ({ $product }): { $licenses } até { $ends_on }, { $keys }.
notice-reminder = *{ $subscription }* termina em { $ends_on }, { $days ->
    [0] hoje
    [one] daqui a 1 dia
   *[other] daqui a { $days } dias
}. Estenda-a com /estender.
notice-state-expired = *{ $subscription }* expirou em { $ends_on }. Os usuários mantêm o acesso por enquanto; estenda-a com /estender.
notice-state-disabled = *{ $subscription }* agora está desabilitada. Estenda-a com /estender para restaurá-la.
notice-state-deleted = *{ $subscription }* foi excluída.
notice-lockout = <@{ $user }> inseriu muitas chaves do produto inválidas; a inserção de chaves está bloqueada até <t:{ $until }:t>.

## Licenças atribuídas a membros
cmd-licenses-name = licenças
cmd-licenses-desc = Atribuir as licenças deste servidor a membros, removê-las e ver quem as tem
cmd-licenses-assign-name = atribuir
cmd-licenses-assign-desc = Atribuir a um membro uma licença de uma assinatura
cmd-licenses-unassign-name = remover
cmd-licenses-unassign-desc = Remover de um membro a licença de uma assinatura
cmd-licenses-list-name = lista
cmd-licenses-list-desc = Quem tem as licenças de uma assinatura
cmd-my-licenses-name = minhas-licenças
cmd-my-licenses-desc = As licenças que você tem neste servidor
cmd-request-license-name = solicitar-licença
cmd-request-license-desc = Pedir aos administradores deste servidor uma licença de uma assinatura
cmd-settings-license-role-name = cargo-licença
cmd-settings-license-role-desc = Um cargo que os membros com uma licença de uma assinatura recebem
opt-user-name = membro
opt-user-desc = O membro
opt-license-role-desc = O cargo; deixe-o de fora para desvincular o cargo da assinatura
assigned-of = { $assigned } de { $seats } atribuídas
license-assigned = <@{ $user }> agora tem uma licença de *{ $subscription }*: { $count }.
license-unassigned = <@{ $user }> não tem mais uma licença de *{ $subscription }*: { $count }.
licenses-title = Licenças: { $subscription }
licenses-empty = Ninguém tem uma licença de *{ $subscription }* ainda. Atribua uma com /licenças atribuir.
licenses-line = <@{ $user }> · desde <t:{ $at }:d> · por <@{ $by }>
licenses-line-requested = <@{ $user }> · desde <t:{ $at }:d> · aprovada por <@{ $by }> a pedido
licenses-line-operator = <@{ $user }> · desde <t:{ $at }:d> · pela linha de comando
licenses-role = Cargo de licença: <@&{ $role }>
licenses-page = Página { $page } de { $pages }
my-licenses-title = Suas licenças
my-licenses-empty = Você não tem licenças neste servidor. Peça uma com /solicitar-licença.
my-licenses-line = { $product } · termina em { $ends_on } · **{ $state }**

## Alterações de licenças recusadas (uma mensagem por causa; nada foi alterado)
license-refused-bot = <@{ $user }> é um bot, e bots não têm licenças.
license-refused-not-member = <@{ $user }> não é membro deste servidor.
license-refused-disabled = *{ $subscription }* está desabilitada: nenhuma licença pode ser atribuída até que ela seja estendida com /estender.
license-refused-deleted = *{ $subscription }* foi excluída: as licenças dela terminaram.
license-refused-already = <@{ $user }> já tem uma licença de *{ $subscription }*.
license-refused-full = { $seats ->
    [one] A única licença de *{ $subscription }* está atribuída.
   *[other] Todas as { $seats } licenças de *{ $subscription }* estão atribuídas.
} Adicione licenças com /adicionar-licenças ou remova a licença de alguém.
license-refused-not-assigned = <@{ $user }> não tem nenhuma licença de *{ $subscription }*. Nada foi alterado.
request-refused-open = Você já pediu uma licença de *{ $subscription }* <t:{ $since }:R>; os administradores vão decidir.
request-refused-cooldown-denied = Seu último pedido de *{ $subscription }* foi negado. Você poderá pedir de novo <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-cooldown-expired = Seu último pedido de *{ $subscription }* expirou sem uma decisão. Você poderá pedir de novo <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-too-many = Você já tem { $open } pedidos em aberto neste servidor, o máximo que um membro pode ter. Você poderá pedir de novo quando os administradores decidirem um deles, ou quando o primeiro expirar <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-approved = Este pedido já foi aprovado por <@{ $user }> em <t:{ $at }:f>.
request-refused-denied = Este pedido já foi negado por <@{ $user }> em <t:{ $at }:f>.
request-refused-expired = Este pedido expirou <t:{ $at }:R>. O membro pode pedir de novo com /solicitar-licença.
request-refused-not-found = Este pedido não existe neste servidor.
request-refused-no-channel = Este servidor ainda não tem um canal de avisos para pedidos. Peça a um administrador que defina um com /configurações avisos.
request-refused-not-allowed = Somente administradores (Gerenciar servidor, ou o cargo de gerente) podem decidir pedidos. Nada foi alterado.
role-refused-everyone = @everyone não pode ser um cargo de licença: todos os membros o têm. Escolha outro cargo.
role-refused-managed = <@&{ $role }> é gerenciado por um bot ou uma integração, então o licensebot não pode dá-lo aos membros. Escolha outro cargo.
role-refused-no-manage-roles = Preciso da permissão Gerenciar cargos para dar <@&{ $role }> aos membros. Conceda-a ao meu cargo e tente novamente. Nada foi alterado.
role-refused-not-below = <@&{ $role }> não está abaixo do meu cargo mais alto, então o Discord não me deixa dá-lo. Em Configurações do servidor → Cargos, arraste meu cargo para cima dele e tente novamente. Nada foi alterado.
role-refused-manager = <@&{ $role }> é o cargo de gerente deste servidor: seus membros podem usar os comandos de administração do licensebot, então ele não pode ser dado com uma licença. Escolha outro cargo. Nada foi alterado.
role-refused-powerful = <@&{ $role }> tem { $powers }, que dão poder sobre o servidor. Um cargo de licença dá acesso, nunca poder: escolha um cargo sem essas permissões, ou remova-as deste em Configurações do servidor → Cargos. Nada foi alterado.
power-administrator = Administrador
power-manage-server = Gerenciar servidor
power-manage-roles = Gerenciar cargos
power-manage-channels = Gerenciar canais
power-manage-webhooks = Gerenciar webhooks
power-manage-messages = Gerenciar mensagens
power-kick-members = Expulsar membros
power-ban-members = Banir membros
power-moderate-members = Castigar membros
power-mention-everyone = Mencionar @everyone, @here e todos os cargos
role-check-failed = Não consegui ler os cargos deste servidor no Discord ({ $reason }). Nada foi alterado; tente novamente.

## Cargos de licença e pedidos
settings-license-role-saved = Os membros com uma licença de *{ $subscription }* terão <@&{ $role }> enquanto ela estiver ativa ou expirada.
settings-license-role-removed = *{ $subscription }* não tem mais um cargo de licença; estou removendo <@&{ $role }> de quem tem as licenças dela.
settings-license-role-none = *{ $subscription }* não tem cargo de licença. Nada foi alterado.
request-posted = Seu pedido de uma licença de *{ $subscription }* foi enviado aos administradores. Se suas mensagens diretas estiverem abertas, avisarei você quando eles decidirem.
button-approve = Aprovar
button-deny = Negar
request-approved-line = ✅ Aprovado por <@{ $by }> em <t:{ $at }:f>.
request-denied-line = ❌ Negado por <@{ $by }> em <t:{ $at }:f>.
request-expired-line = ⌛ Expirou em <t:{ $at }:f>: ninguém decidiu em 7 dias.
request-approved-reply = Aprovado: <@{ $user }> agora tem uma licença de *{ $subscription }* ({ $count }).
request-denied-reply = Negado: <@{ $user }> não recebe uma licença de *{ $subscription }*.
notice-license-request = <@{ $user }> pede uma licença de *{ $subscription }* ({ $product }).
notice-licenses-full = A última licença livre de *{ $subscription }* acabou de ser atribuída: { $seats ->
    [one] a única licença dela está em uso.
   *[other] todas as { $seats } estão em uso.
} Adicione licenças com /adicionar-licenças.
notice-member-gone = <@{ $user }> não está mais neste servidor; { $count ->
    [one] a licença de { $subscriptions } foi liberada.
   *[other] as licenças de { $subscriptions } foram liberadas.
}
notice-role-refused = O Discord não me deixou alterar <@&{ $role }> ({ $error }). Parei de alterá-lo: dê-me Gerenciar cargos e coloque meu cargo acima dele, depois vincule-o de novo com /configurações cargo-licença.
notice-role-halted-powerful = <@&{ $role }> agora tem { $powers }, que dão poder sobre o servidor, então parei de dá-lo com as licenças: um cargo de licença dá acesso, nunca poder. Remova essas permissões dele, depois vincule-o de novo com /configurações cargo-licença.
notice-role-halted-manager = <@&{ $role }> agora é o cargo de gerente deste servidor, então parei de dá-lo com as licenças. Escolha outro cargo de gerente ou cargo de licença, depois vincule-o de novo com /configurações cargo-licença.
dm-request-approved = Seu pedido de uma licença de *{ $subscription }* foi aprovado por <@{ $by }>.
dm-request-denied = Seu pedido de uma licença de *{ $subscription }* foi negado por <@{ $by }>.

## Retomar o que foi vendido (src/discord/render_refunds.rs)
notice-reversal-seats = O fornecedor estornou a chave do produto terminada em `{ $tail }`: *{ $subscription }* agora tem { $seats_after }, antes { $seats_before }.
notice-reversal-ends = O fornecedor estornou a chave do produto terminada em `{ $tail }`: *{ $subscription }* agora termina em { $ends_after }, antes em { $ends_before }.
notice-reversal-both = O fornecedor estornou a chave do produto terminada em `{ $tail }`: *{ $subscription }* agora tem { $seats_after }, antes { $seats_before }, e termina em { $ends_after }, antes em { $ends_before }.
notice-reversal-released = { $count ->
    [one] A licença de { $members } foi liberada para caber.
   *[other] As licenças de { $members } foram liberadas para caber.
}
redemptions-reversals = Estornos (reembolsos)
redemptions-line-reversal = <t:{ $at }:f> · chave do produto terminada em `{ $tail }` estornada · *{ $subscription }* · { $change }
redemptions-reversal-seats = { $before } → { $after } licenças
redemptions-reversal-ends = data de término { $before } → { $after }
state-suspended = Suspensa
error-suspended = *{ $subscription }* foi suspensa pelo fornecedor. Entre em contato com o fornecedor.
notice-suspended = *{ $subscription }* foi suspensa pelo fornecedor. As licenças continuam atribuídas, mas não dão acesso até que o fornecedor a retome.
notice-resumed = *{ $subscription }* foi retomada pelo fornecedor: as licenças voltam a dar acesso.

cmd-settings-show-name = mostrar
cmd-settings-show-desc = A configuração do licensebot neste servidor, como uma lista de verificação
cmd-settings-language-name = idioma
cmd-settings-language-desc = O idioma dos avisos, pedidos e mensagens diretas neste servidor
opt-language-name = idioma
opt-language-desc = O idioma
error-deleted = *{ $subscription }* foi excluída: nada mais pode ser resgatado nela. Comece uma nova assinatura com /ativar, suas chaves do produto e um novo nome (uma assinatura excluída mantém seu nome).
receipt-no-channel = Nenhum canal da equipe está definido, então ninguém mais foi avisado: /configurações avisos
settings-role-cleared = Não há mais cargo de gerente: só membros com Gerenciar servidor podem usar o licensebot.

## A lista de verificação da configuração (/configurações mostrar)
settings-show-title = A configuração do licensebot neste servidor
language-name = Português (Brasil)
permission-view-channel = Ver canal
permission-send-messages = Enviar mensagens
permission-embed-links = Inserir links
check-channel-none = ⚠️ Nenhum canal de avisos está definido: os avisos esperam por um (até 7 dias), e ninguém os vê. Defina um com /configurações avisos.
check-channel-ok = ✅ Os avisos são publicados em <#{ $channel }>.
check-channel-gone = ⚠️ O canal de avisos <#{ $channel }> não existe mais. Escolha outro com /configurações avisos.
check-channel-hidden = ⚠️ Não consigo ver <#{ $channel }>. Dê-me a permissão Ver canal nele (Editar canal → Permissões), ou escolha outro canal com /configurações avisos.
check-channel-missing = ⚠️ Não tenho estas permissões em <#{ $channel }>: { $permissions }. Dê-me essas permissões nele (Editar canal → Permissões), ou escolha outro canal com /configurações avisos.
check-channel-unknown = ⚠️ Não consegui verificar <#{ $channel }> com o Discord ({ $reason }). Tente de novo em instantes.
check-manager-none = ✅ Nenhum cargo de gerente: membros com Gerenciar servidor usam o licensebot. Para permitir outro cargo, use /configurações cargo-gerente.
check-manager-shown = ✅ Os membros de <@&{ $role }> podem usar o licensebot, e o Discord mostra a eles os comandos do licensebot.
check-manager-hidden = ⚠️ Os membros de <@&{ $role }> podem usar o licensebot, mas o Discord esconde deles os comandos do licensebot. Configurações do servidor → Integrações → licensebot → adicione <@&{ $role }>.
check-manager-gone = ⚠️ O cargo de gerente não existe mais. Escolha outro com /configurações cargo-gerente, ou deixe o cargo de fora para removê-lo.
check-manager-unknown = ⚠️ Não consegui perguntar ao Discord se ele mostra os comandos do licensebot a <@&{ $role }> ({ $reason }). Se não mostrar: Configurações do servidor → Integrações → licensebot → adicione <@&{ $role }>.
check-language-server = ✅ Avisos, pedidos e mensagens diretas estão em { $language }, o idioma deste servidor no Discord. Escolha outro com /configurações idioma.
settings-language-saved = De agora em diante, avisos, pedidos e mensagens diretas neste servidor estão em { $language }.
check-language-chosen = ✅ Avisos, pedidos e mensagens diretas estão em { $language } (escolhido com /configurações idioma).
check-roles-none = ✅ Nenhum cargo de licença está vinculado (/configurações cargo-licença).
check-roles-unknown = ⚠️ Não consegui ler os cargos deste servidor no Discord ({ $reason }), então os cargos de licença não foram verificados. Tente de novo em instantes.
check-role-ok = ✅ <@&{ $role }> acompanha as licenças de *{ $subscription }*, e eu consigo dá-lo.
check-role-gone = ⚠️ O cargo de licença de *{ $subscription }* não existe mais. Vincule outro com /configurações cargo-licença.
check-role-no-manage-roles = ⚠️ Não consigo dar <@&{ $role }> (*{ $subscription }*): preciso de Gerenciar cargos. Conceda essa permissão ao meu cargo em Configurações do servidor → Cargos.
check-role-not-below = ⚠️ Não consigo dar <@&{ $role }> (*{ $subscription }*): ele não está abaixo do meu cargo mais alto. Em Configurações do servidor → Cargos, arraste meu cargo para cima dele.
check-role-powerful = ⚠️ <@&{ $role }> (*{ $subscription }*) tem { $powers }, que dão poder sobre o servidor, então não o dou. Remova essas permissões dele em Configurações do servidor → Cargos, depois vincule-o de novo com /configurações cargo-licença.
check-role-unusable = ⚠️ <@&{ $role }> não pode ser o cargo de licença de *{ $subscription }* (é @everyone, o cargo de uma integração ou o cargo de gerente). Vincule outro com /configurações cargo-licença.
check-ending-none = ✅ Nenhuma assinatura termina nos próximos 30 dias.
check-ending = ⚠️ *{ $subscription }* termina <t:{ $at }:R> (<t:{ $at }:D>). Estenda-a com /estender.
check-waiting-none = ✅ Nenhum aviso está esperando um canal.
check-waiting = ⚠️ { $count ->
    [one] 1 aviso está esperando um canal de avisos, guardado
   *[other] { $count } avisos estão esperando um canal de avisos, guardados
} até <t:{ $until }:f>. Defina um com /configurações avisos.
