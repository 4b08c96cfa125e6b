"""The conversation flows: what jiuye answers to each message, and what it remembers between messages.

The understanding of a message is `bot.dialogue.parse` (pure); this package decides what to do with it and
does it inside the inbound pipeline's transaction (`bot.inbox.handle`). Pure pieces and stateful ones are
kept apart:

texts        fixed Chinese texts (privacy notice, help, refusals)                          pure
render       lists, confirmations, details as chat text                                   pure
memory       what a conversation waits for (confirmations, choices, the last list)        pure
store        memory <-> models.ConversationState ("g:<graduate>" once bound, "i:<identity>" before)
turn         one message being answered: session, sender, memory, the reply being built
responder    the entry point: `DialogueResponder.respond(ctx)` routes to the flows below
gate         senders who are not bound: privacy notice, binding, general answers only
binding      学号 + 姓名 + secret, rate-limited per identity and per student record
graduate     a bound graduate's messages, routed to:
  preferences  求职意向 confirmed before saving, then the list rebuilt
  recommend    the numbered list, 换一批, 详情 / 感兴趣 / 已投递 / 不合适 N
  status       毕业去向 in their words, numbered choices, confirmed before saving
  pending      the open question asked again (also on another channel)
general, faq help, 退订 / 恢复推送, small talk, FAQ answers (BM25 index cached per set of entries)
staff        staff identities (bound with a one-time code), routed to:
  reports      统计, 未回复, 困难生
  publish      发布岗位 <text>: saved for review
  broadcast    推送 <posting> 给 <class|major>: planned pushes and class-group notices
  targets      which graduates a command means, inside the staff member's scope
"""
