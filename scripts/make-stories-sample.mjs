#!/usr/bin/env node
// Writes datasets/stories-sample.jsonl from the hand-written stories below, so the sample is reproducible:
//   npm run build && node scripts/make-stories-sample.mjs
// Each story is [prompt, continuation]. The chosen response is the continuation; the rejected one is the same words in
// a scrambled order (a seeded shuffle, so every run writes the same file). The prompt ends with a space so that
// prompt + response reads as one text; plain-text scoring moves that space onto the response.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The seeded generator the reports' bootstrap uses: one implementation of it in the project.
import { mulberry32 as random } from '../dist/util/prng.js';

const STORIES = [
  ['Once upon a time, there was a little girl named Lily. She loved to play outside.', 'One day, she saw a big red ball in the park. She kicked it high into the sky and laughed.'],
  ['Tom had a small brown dog named Max.', 'Every morning, Max waited by the door for Tom. They walked to the pond together and watched the ducks swim.'],
  ['One sunny day, Sue went to the beach with her mom.', 'She built a tall sand castle with a flag on top. Then a big wave came and washed it away, so she built another one.'],
  ['There was a little bird who lived in a tall tree.', 'The bird liked to sing every morning. All the animals in the forest woke up and smiled when they heard her song.'],
  ['Ben found a shiny stone in his garden.', 'He washed it in the sink until it was clean. Then he put it on his shelf next to his toy cars.'],
  ['Once upon a time, there was a kind old man who had a big farm.', 'He had cows, pigs and a very loud rooster. Each day he gave them food and water, and they were happy.'],
  ['Mia wanted to bake a cake for her dad.', 'She mixed the flour, eggs and sugar in a big bowl. Her dad said it was the best cake he had ever eaten.'],
  ['A little cat named Fluffy was very sleepy.', 'She looked for a warm place to nap. At last she curled up in a basket of clean socks and fell asleep.'],
  ['Sam and Anna were best friends. They liked to play in the snow.', 'They made a big snowman with a carrot nose. Then they went inside and drank hot milk by the fire.'],
  ['One day, Lucy lost her favorite teddy bear.', 'She looked under her bed and in the closet. Finally, she found him sitting in the bath tub.'],
  ['Once upon a time, a small boat sailed on the blue sea.', 'The wind pushed it gently toward a little island. On the island, a friendly turtle said hello.'],
  ['Jack had a red kite.', 'He ran fast across the hill, and the kite went up into the sky. It danced with the clouds all afternoon.'],
  ['There was a big green frog who lived by a pond.', 'He liked to jump from one lily pad to another. One day he jumped so far that he landed on a sleeping duck.'],
  ['Emma saw a rainbow after the rain.', 'It had red, yellow, green and blue colors. She ran to tell her brother, and they watched it together.'],
  ['Tim wanted to help his grandma in the garden.', 'He carried the water can and gave water to every flower. Grandma gave him a big hug and a sweet apple.'],
  ['Once upon a time, there was a little mouse who was afraid of the dark.', 'His mother gave him a tiny lamp. After that, he was brave and slept well every night.'],
  ['Lily and her dad went to the zoo.', 'They saw a tall giraffe eating leaves from a tree. Lily waved, and the giraffe seemed to nod at her.'],
  ['A little boy named Leo had a new blue bike.', 'At first he fell down a lot. But he kept trying, and soon he could ride all the way down the street.'],
  ['One morning, Kate heard a strange noise in the kitchen.', 'She tiptoed in and saw her puppy with his head in a box. He was eating the cookies they had made for the party.'],
  ['There was once a happy sun that shone over a small town.', 'It made the flowers grow and the children play outside. When night came, it said goodbye and went to sleep.'],
  ['Ben and his sister liked to build with blocks.', 'One day they built the tallest tower in the house. When the cat walked by, the tower fell down with a loud crash.'],
  ['Once upon a time, a little star fell from the sky.', 'It landed in a field near a small girl named Rose. She picked it up and gently threw it back to the night.'],
  ['Max the puppy wanted to catch his tail.', 'He spun around and around until he felt dizzy. Then he sat down and decided to chase a ball instead.'],
  ['Anna had a little garden with pretty flowers.', 'One day, a bee came to visit the flowers. Anna watched quietly as it flew from one flower to the next.'],
  ['One rainy day, Tom could not go outside to play.', 'So he made a fort with chairs and blankets in the living room. He read books inside it with his flashlight.'],
  ['There was a little duck who could not swim yet.', 'Her brothers and sisters were already in the water. Her mother helped her, and soon she was swimming too.'],
  ['Sara found a lost kitten near her house.', 'The kitten was cold and hungry. Sara gave it some milk and a soft blanket, and it began to purr.'],
  ['Once upon a time, there was a tall tree in the middle of a park.', 'Children played under it every day. In the summer, its big leaves kept them cool in the shade.'],
  ['Jake wanted to be a pilot when he grew up.', 'He made a plane out of paper and threw it across the room. It flew all the way to the window.'],
  ['Mom gave Lily a box of crayons for her birthday.', 'Lily drew a big yellow sun and a pink house. She hung the picture on the fridge for everyone to see.'],
  ['There was a little fish named Bubbles who lived in a bowl.', 'Every day, he swam in circles and blew tiny bubbles. When the girl came home from school, he swam to the glass to say hi.'],
  ['One night, Ben could not sleep.', 'He looked out of his window and saw the big round moon. He counted the stars until his eyes felt heavy.'],
  ['Once upon a time, a brave little ant carried a big leaf.', 'The leaf was much bigger than the ant. She did not give up, and she brought it all the way home.'],
  ['Amy and her friend Joe went to the park to fly a plane.', 'Joe threw the toy plane, and it got stuck in a tree. Amy climbed up carefully and brought it back down.'],
  ['The little train went choo choo up the hill.', 'It was hard work, and the train went very slowly. At the top, it smiled and rolled happily down the other side.'],
  ['Grandpa told Lucy a story about a dragon.', 'The dragon was big but very friendly. It liked to help people light their fires in the winter.'],
  ['There was a small girl named Pam who loved to dance.', 'She danced in the kitchen and in the garden. Her little brother clapped his hands and tried to dance too.'],
  ['One day, a squirrel found a big nut.', 'He wanted to keep it for the winter. He dug a hole under a tree and hid the nut inside.'],
  ['Once upon a time, there was a little robot named Bolt.', 'Bolt liked to help his friends clean their rooms. When the work was done, they all played games together.'],
  ['Tom and his mom went to the shop to buy apples.', 'Tom picked the reddest apples he could find. At home, they made a warm apple pie.'],
  ['Lily had a pet bunny named Snow.', 'Snow had long ears and a soft white tail. Every evening, Lily gave her fresh carrots from the garden.'],
  ['A big storm came to the little village.', 'The wind was loud, and the rain fell hard. In the morning, the sky was blue again and the birds began to sing.'],
  ['There was once a shy little owl.', 'He did not like to talk to the other birds. One night, a kind bat asked him to play, and they became good friends.'],
  ['Kim found an old map in her grandpa\'s attic.', 'The map showed a big tree with an X under it. She dug there with her brother and found a box of old toys.'],
  ['One day, Sam saw a butterfly with blue wings.', 'It landed on his hand for a moment. Sam held very still and smiled until it flew away.'],
  ['Once upon a time, a little girl named Ella wanted to touch the clouds.', 'She climbed to the top of a hill and reached up high. The clouds were still far away, but the view was beautiful.'],
  ['Ben had a big box of toy cars.', 'He lined them up on the floor to make a long road. Then he raced the fastest car all the way to the kitchen.'],
  ['There was a hungry bear in the forest.', 'He smelled something sweet near a tree. It was honey, and he ate it all up with a happy grin.'],
  ['Anna liked to help her mom wash the dishes.', 'She stood on a small stool by the sink. The bubbles were so big that she laughed and blew them into the air.'],
  ['Once upon a time, there was a snowman named Frosty.', 'He stood in the garden and watched the children play. When spring came, he melted and turned into a small pond.'],
  ['Jill wanted to plant a seed.', 'She put it in a pot with soil and gave it water every day. After many days, a tiny green plant came up.'],
  ['A little boy named Joe was scared of the big dog next door.', 'One day, the dog brought back his lost ball. Joe said thank you, and he was not scared anymore.'],
  ['The children went to the lake on a hot day.', 'They splashed in the cool water and threw a ball. Later, they ate cold watermelon on the grass.'],
  ['Once upon a time, there was a clock that stopped ticking.', 'The little girl who owned it was very sad. Her dad fixed it, and it went tick tock once again.'],
  ['Mia had a pair of new red shoes.', 'She wore them to school and jumped in every puddle. By the end of the day, her shoes were brown with mud.'],
  ['There was a little lamb who got lost in the hills.', 'She cried baa, baa, but no one came. Then she heard her mother calling and ran back to her.'],
  ['Tim liked to look at the stars with his telescope.', 'One night, he saw a bright shooting star. He closed his eyes and made a wish.'],
  ['One day, Rosa went to the market with her grandma.', 'They bought bread, cheese and fresh strawberries. On the way home, they shared a strawberry each.'],
  ['Once upon a time, a little cloud wanted to make rain.', 'He tried very hard, but only a few drops came out. Then his cloud friends joined him, and together they made a big shower.'],
  ['Leo had a toy drum that he loved.', 'He played it loudly in the morning. His mom asked him to play softly, so he tapped the drum very gently.'],
  ['There was a kind girl named Sue who shared her lunch.', 'Her friend Ben had forgotten his food at home. Sue gave him half of her sandwich, and he was very thankful.'],
  ['One autumn day, the leaves fell from the trees.', 'Tom and Lily raked them into a big pile. Then they jumped into the leaves and laughed and laughed.'],
  ['Once upon a time, a little puppy wanted to find a friend.', 'He met a cat by the fence and wagged his tail. The cat was not sure at first, but soon they played together.'],
  ['Ella had a magic wand made of a stick and a paper star.', 'She waved it and pretended to turn her brother into a frog. Her brother hopped around the room and said ribbit.'],
];

/** The same words (with their punctuation) in a scrambled order, never the original order. */
function scramble(text, seed) {
  const words = text.split(' ');
  for (let attempt = 0; ; attempt++) {
    const next = random(seed * 1000 + attempt);
    const out = [...words];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    const shuffled = out.join(' ');
    if (shuffled !== text) return shuffled;
  }
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lines = STORIES.map(([prompt, chosen], i) => {
  const id = `story-${String(i + 1).padStart(3, '0')}`;
  return JSON.stringify({ id, prompt: `${prompt} `, chosen, rejected: scramble(chosen, i + 1) });
});
writeFileSync(join(root, 'datasets', 'stories-sample.jsonl'), lines.join('\n') + '\n');
console.log(`wrote ${lines.length} pairs to datasets/stories-sample.jsonl`);
